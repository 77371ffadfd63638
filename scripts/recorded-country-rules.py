#!/usr/bin/env python3
"""Regenerate data/recorded-country-rules.json from Microsoft's recorded answers.

Usage:
    scripts/recorded-country-rules.py PAYLOADS_DIR [--output PATH]

PAYLOADS_DIR holds the published `GET /v1/countryvalidationrules/{iso2}`
answers (the project's shared real-payloads folder): the 2019 recording of
US from Microsoft's PowerShell module's session records and the 2018
fixtures of CN, DE and GB from the same module's tests. Each answer is kept
as it was recorded (JSON values unchanged, the files' BOMs already
stripped). pc-onboard reads them offline (a country's `supportedStatesList`
is the form its states are sent in) and the sandbox serves them.

Standard library only (Python 3.11).
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys

DEFAULT_OUTPUT = pathlib.Path(__file__).resolve().parent.parent / "data" / "recorded-country-rules.json"

# file name -> what it is (INDEX.md of the payloads folder names each source)
RECORDED = {
    "05c-countryvalidationrules-US.recorded-2019.response-200.json": "microsoft/Partner-Center-PowerShell src/PartnerCenter.TestFramework/SessionRecords/GetPartnerCountryValidation.json @ e8ae392b7a86 (recorded 2019)",
    "05e-countryvalidationrules-CN.fixture-2018.response-200.json": "microsoft/Partner-Center-PowerShell test/PowerShell.Tests/SessionRecords/GetCountryValidationRules-CN.json @ 35df4df4fd4d (2018)",
    "05f-countryvalidationrules-DE.fixture-2018.response-200.json": "microsoft/Partner-Center-PowerShell test/PowerShell.Tests/SessionRecords/GetCountryValidationRules-DE.json @ 35df4df4fd4d (2018)",
    "05g-countryvalidationrules-GB.fixture-2018.response-200.json": "microsoft/Partner-Center-PowerShell test/PowerShell.Tests/SessionRecords/GetCountryValidationRules-GB.json @ 35df4df4fd4d (2018)",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("payloads", type=pathlib.Path)
    parser.add_argument("--output", type=pathlib.Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    answers, sources = {}, {}
    for name, source in RECORDED.items():
        path = args.payloads / name
        try:
            answer = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, ValueError) as e:
            print(f"error: {path}: {e}", file=sys.stderr)
            return 1
        code = answer.get("iso2Code", "")
        if len(code) != 2 or code in answers:
            print(f"error: {path}: iso2Code {code!r}", file=sys.stderr)
            return 1
        answers[code] = answer
        sources[code] = source
    out = {
        "source": "Partner Center's answers to GET /v1/countryvalidationrules/{iso2} as Microsoft published them in its PowerShell module's recordings (MIT); one per country, values unchanged",
        "sources": sources,
        "answers": answers,
    }
    text = json.dumps(out, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}: {', '.join(sorted(answers))}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
