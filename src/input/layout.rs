//! The header map: which column holds which field, which columns pass through
//! to the results, and (once the caller has recognised an earlier results
//! file) which hold an earlier run's results.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use super::dialect::Dialect;
use super::encoding::TextEncoding;
use super::error::{InputError, MissingColumn};
use super::lookalike::{self, Lookalike};
use crate::validate::{Field, normalize_header};

/// Where everything is in one input file: its dialect, its header row and the
/// columns that hold the known fields and earlier results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The input file.
    pub(crate) path: PathBuf,
    /// The field delimiter: `,`, `;` or tab.
    pub(crate) delimiter: u8,
    /// Whether the file started with a UTF-8 byte order mark.
    pub(crate) bom: bool,
    /// The encoding the file was read in (its rows are UTF-8 all the same).
    /// UTF-8 for a workbook.
    pub encoding: TextEncoding,
    /// Whether [`Layout::encoding`] is a guess: the file is not valid UTF-8
    /// and had no byte order mark and no `--encoding`, so it was read as
    /// Windows-1252.
    pub(crate) encoding_guessed: bool,
    /// Whether lines end with CRLF rather than LF.
    pub(crate) crlf: bool,
    /// The header row exactly as in the file (BOM stripped).
    pub headers: csv::ByteRecord,
    /// The columns copied to the results, in input order: every column, but
    /// an earlier results file's result columns ([`Layout::set_result_columns`]).
    pub(crate) passthrough: Vec<usize>,
    /// The column of each [`Field`] (indexed by [`Field::index`]), if present.
    pub(crate) field_columns: [Option<usize>; Field::COUNT],
    /// When the input is an earlier results file: the column of each result
    /// column (in the order of `results::RESULT_COLUMNS`), if present. Empty
    /// otherwise. Set by the results module, which knows the result columns
    /// and how an earlier results file is recognised (`results::recognise`).
    pub(crate) result_columns: Vec<Option<usize>>,
    /// The worksheet read, for a workbook input (`None` for CSV).
    pub(crate) sheet: Option<String>,
    /// A configured header (`[columns] external_id = "Customer ID"`) found
    /// again in a later column: `(field, first column, later column)`. The
    /// later one passes through; it must be an earlier results file's
    /// result column (`customer_id`), else [`Layout::refuse_repeated`]
    /// refuses it as a column named twice.
    pub(crate) repeated: Vec<(Field, usize, usize)>,
}

impl Layout {
    /// Map a header row. Fails when two headers name the same column or a
    /// required column is missing (naming the closest header present).
    #[cfg(test)]
    pub(crate) fn from_headers(
        path: &Path,
        headers: csv::ByteRecord,
        dialect: Dialect,
    ) -> Result<Layout, InputError> {
        Self::from_headers_with(path, headers, dialect, &[])
    }

    /// [`Layout::from_headers`] with header overrides: a header equal
    /// (normalized) to one of `columns` maps to its field, and that field's
    /// aliases then do not apply (a header that is an alias of it passes
    /// through). A field whose configured header is absent falls back to
    /// its aliases. Every column passes through to the results.
    pub(crate) fn from_headers_with(
        path: &Path,
        headers: csv::ByteRecord,
        dialect: Dialect,
        columns: &[(Field, String)],
    ) -> Result<Layout, InputError> {
        let configured: Vec<(Field, String)> = columns
            .iter()
            .map(|(field, header)| (*field, normalize_header(header.trim())))
            .collect();
        let keys: Vec<String> = headers
            .iter()
            .map(|raw| normalize_header(&String::from_utf8_lossy(raw)))
            .collect();
        // Fields whose configured header is present: their aliases are off.
        let overridden: Vec<Field> = configured
            .iter()
            .filter(|(_, header)| keys.contains(header))
            .map(|(field, _)| *field)
            .collect();
        let mut field_columns = [None; Field::COUNT];
        let mut passthrough = Vec::with_capacity(headers.len());
        let mut unknown = Vec::new();
        let mut repeated = Vec::new();
        for (index, key) in keys.into_iter().enumerate() {
            let field = field_of_header(&key, &configured, &overridden);
            // Aliases are off for an overridden field: its first column
            // had the configured header too.
            if let Some(field) = field.filter(|f| overridden.contains(f))
                && let Some(first) = field_columns[field.index()]
            {
                repeated.push((field, first, index));
                passthrough.push(index);
            } else if let Some(field) = field {
                claim(
                    path,
                    &headers,
                    &mut field_columns[field.index()],
                    index,
                    field.name(),
                )?;
                passthrough.push(index);
            } else {
                passthrough.push(index);
                if !key.is_empty() {
                    unknown.push((index, header_text(&headers, index)));
                }
            }
        }
        require_columns(path, &headers, &field_columns, &unknown)?;
        Ok(Layout {
            path: path.to_owned(),
            delimiter: dialect.delimiter,
            bom: dialect.bom,
            encoding: TextEncoding::UTF_8,
            encoding_guessed: false,
            crlf: dialect.crlf,
            headers,
            passthrough,
            field_columns,
            result_columns: Vec::new(),
            sheet: None,
            repeated,
        })
    }

    /// Fail on a configured header found again in a column that is not
    /// one of `result_columns` (an earlier results file's, or none).
    pub(crate) fn refuse_repeated(
        &self,
        result_columns: &[Option<usize>],
    ) -> Result<(), InputError> {
        match self
            .repeated
            .iter()
            .find(|(.., later)| !result_columns.contains(&Some(*later)))
        {
            Some(&(field, first, later)) => {
                let mut slot = Some(first);
                claim(&self.path, &self.headers, &mut slot, later, field.name())
            }
            None => Ok(()),
        }
    }

    /// The column holding `field`, if the file has one.
    pub(crate) fn column(&self, field: Field) -> Option<usize> {
        self.field_columns[field.index()]
    }

    /// The header of column `index` as text (invalid UTF-8 replaced), if it exists.
    pub(crate) fn header(&self, index: usize) -> Option<Cow<'_, str>> {
        self.headers.get(index).map(String::from_utf8_lossy)
    }

    /// Whether the file carries result columns of an earlier run (at least
    /// `status`, the first result column).
    pub fn has_previous_results(&self) -> bool {
        self.result_columns.first().copied().flatten().is_some()
    }

    /// Mark the input as an earlier results file: `columns` are where its
    /// result columns are (the results module's order; `None`: absent).
    /// Those columns no longer pass through: the results replace them.
    pub(crate) fn set_result_columns(&mut self, columns: Vec<Option<usize>>) {
        self.passthrough
            .retain(|index| !columns.contains(&Some(*index)));
        self.result_columns = columns;
    }

    /// The columns that are neither a field's nor an earlier run's result:
    /// `(index, normalized header)`, in input order.
    pub(crate) fn other_columns(&self) -> impl Iterator<Item = (usize, String)> + '_ {
        self.headers.iter().enumerate().filter_map(|(index, raw)| {
            let taken = self.field_columns.contains(&Some(index))
                || self.result_columns.contains(&Some(index));
            (!taken).then(|| (index, normalize_header(&String::from_utf8_lossy(raw))))
        })
    }

    /// The columns that are neither a field's nor an earlier run's result
    /// but look like a field the file has no column for (`Zip/Postal Code`,
    /// `Postleitzahl`), in input order: each is one warning.
    pub(crate) fn lookalikes(&self) -> Vec<Lookalike> {
        self.other_columns()
            .filter_map(|(column, _)| {
                let header = self.header(column)?.into_owned();
                let field = lookalike::looks_like(&header)?;
                self.column(field).is_none().then_some(Lookalike {
                    column,
                    header,
                    field,
                })
            })
            .collect()
    }
}

/// The field the normalized header `key` names: a configured header first,
/// then an alias of a field whose configured header is not `overridden`.
fn field_of_header(
    key: &str,
    configured: &[(Field, String)],
    overridden: &[Field],
) -> Option<Field> {
    let by_config = configured
        .iter()
        .find(|(_, header)| header == key)
        .map(|(field, _)| *field);
    by_config
        .or_else(|| Field::from_normalized_header(key).filter(|field| !overridden.contains(field)))
}

/// Fail when a required field has no column, naming for each the closest
/// `unknown` header.
fn require_columns(
    path: &Path,
    headers: &csv::ByteRecord,
    field_columns: &[Option<usize>; Field::COUNT],
    unknown: &[(usize, String)],
) -> Result<(), InputError> {
    let missing: Vec<Field> = Field::ALL
        .into_iter()
        .filter(|f| f.column_required() && field_columns[f.index()].is_none())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    // Each header folded once, not once per missing field.
    let unknown: Vec<(usize, lookalike::Folded)> = unknown
        .iter()
        .map(|(index, header)| (*index, lookalike::Folded::new(header)))
        .collect();
    let missing = missing
        .into_iter()
        .map(|field| MissingColumn {
            field,
            suggestion: closest_header(field, &unknown).map(|i| header_text(headers, i)),
        })
        .collect();
    Err(InputError::MissingColumns {
        path: path.to_owned(),
        missing,
    })
}

/// Record `index` as the column for `name`, or fail if another column has it.
pub(crate) fn claim(
    path: &Path,
    headers: &csv::ByteRecord,
    slot: &mut Option<usize>,
    index: usize,
    name: &str,
) -> Result<(), InputError> {
    if let Some(first) = *slot {
        return Err(InputError::DuplicateColumn {
            path: path.to_owned(),
            column: name.to_owned(),
            first: header_text(headers, first),
            first_index: first,
            second: header_text(headers, index),
            second_index: index,
        });
    }
    *slot = Some(index);
    Ok(())
}

pub(crate) fn header_text(headers: &csv::ByteRecord, index: usize) -> String {
    headers
        .get(index)
        .map(|h| String::from_utf8_lossy(h).into_owned())
        .unwrap_or_default()
}

/// The unknown header that most plausibly is `field` under another name:
/// one of its synonyms, or a misspelling of one of its spellings
/// ([`lookalike::score_for`]). The best score wins.
fn closest_header(field: Field, unknown: &[(usize, lookalike::Folded)]) -> Option<usize> {
    let mut best: Option<(f64, usize)> = None;
    for (index, header) in unknown {
        if let Some(score) = lookalike::score_for(field, header)
            && best.is_none_or(|(s, _)| score > s)
        {
            best = Some((score, *index));
        }
    }
    best.map(|(_, index)| index)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    const REQUIRED: &str =
        "company_name,domain,email,culture,language,first_name,last_name,address_line1,country";

    fn layout(header: &str) -> Result<Layout, InputError> {
        let headers = csv::ByteRecord::from(header.split(',').collect::<Vec<_>>());
        Layout::from_headers(Path::new("customers.csv"), headers, Dialect::default())
    }

    fn missing(header: &str) -> Vec<MissingColumn> {
        match layout(header) {
            Err(InputError::MissingColumns { missing, .. }) => missing,
            other => panic!("expected MissingColumns, got {other:?}"),
        }
    }

    #[test]
    fn maps_canonical_headers() {
        let layout = layout(REQUIRED).unwrap();
        assert_eq!(layout.column(Field::CompanyName), Some(0));
        assert_eq!(layout.column(Field::Country), Some(8));
        assert_eq!(layout.column(Field::City), None);
        assert_eq!(layout.passthrough, (0..9).collect::<Vec<_>>());
        assert!(!layout.has_previous_results());
    }

    #[test]
    fn maps_aliases_ignoring_case_space_underscore_dash() {
        let layout = layout(
            "Company Name,Domain-Prefix,ContactEmail,CULTURE,language,first-name,Last_Name,BillingAddressLine1,Billing Address Country",
        )
        .unwrap();
        for field in Field::ALL.into_iter().filter(|f| f.column_required()) {
            assert!(layout.column(field).is_some(), "{field}");
        }
        assert_eq!(layout.column(Field::AddressLine1), Some(7));
    }

    #[test]
    fn every_column_passes_through_until_result_columns_are_set() {
        // Recognising an earlier results file is the results module's
        // (results::earlier); the layout only records its answer.
        let header = format!("{REQUIRED},notes,Status,customer_id,Tenant ID,error");
        let mut layout = layout(&header).unwrap();
        assert_eq!(layout.passthrough, (0..14).collect::<Vec<_>>());
        assert!(!layout.has_previous_results());
        let others: Vec<usize> = layout.other_columns().map(|(i, _)| i).collect();
        assert_eq!(others, [9, 10, 11, 12, 13]);
        layout.set_result_columns(vec![Some(10), Some(11), Some(12), None]);
        assert_eq!(layout.passthrough, (0..10).chain([13]).collect::<Vec<_>>());
        assert!(layout.has_previous_results());
        let others: Vec<(usize, String)> = layout.other_columns().collect();
        assert_eq!(others, [(9, "notes".to_owned()), (13, "error".to_owned())]);
    }

    #[test]
    fn two_headers_for_one_field_are_an_error_naming_both() {
        let header = format!("{REQUIRED},Company Name");
        let error = layout(&header).unwrap_err();
        let text = error.to_string();
        assert!(matches!(error, InputError::DuplicateColumn { .. }));
        assert!(text.contains("`company_name` (column 1)"), "{text}");
        assert!(text.contains("`Company Name` (column 10)"), "{text}");
    }

    fn layout_with(header: &str, columns: &[(Field, &str)]) -> Result<Layout, InputError> {
        let headers = csv::ByteRecord::from(header.split(',').collect::<Vec<_>>());
        let columns: Vec<(Field, String)> =
            columns.iter().map(|(f, h)| (*f, (*h).to_owned())).collect();
        Layout::from_headers_with(
            Path::new("customers.csv"),
            headers,
            Dialect::default(),
            &columns,
        )
    }

    #[test]
    fn a_configured_header_maps_to_its_field() {
        let header = REQUIRED.replace("company_name", "Klantnaam");
        assert!(layout(&header).is_err());
        let layout = layout_with(&header, &[(Field::CompanyName, "klant naam")]).unwrap();
        assert_eq!(layout.column(Field::CompanyName), Some(0));
        assert_eq!(layout.passthrough, (0..9).collect::<Vec<_>>());
    }

    #[test]
    fn a_configured_header_wins_over_aliases() {
        // `Name` is an alias of company_name; the config says company_name
        // is `Klantnaam`, so `Name` passes through untouched.
        let header = format!("{},Name", REQUIRED.replace("company_name", "Klantnaam"));
        let layout = layout_with(&header, &[(Field::CompanyName, "Klantnaam")]).unwrap();
        assert_eq!(layout.column(Field::CompanyName), Some(0));
        assert_eq!(layout.passthrough, (0..10).collect::<Vec<_>>());
        // A configured header can take an alias of another field.
        let header = format!("{REQUIRED},Name");
        let layout = layout_with(&header, &[(Field::ExternalId, "Name")]).unwrap();
        assert_eq!(layout.column(Field::ExternalId), Some(9));
        assert_eq!(layout.column(Field::CompanyName), Some(0));
    }

    #[test]
    fn a_configured_header_that_is_absent_falls_back_to_aliases() {
        let layout = layout_with(REQUIRED, &[(Field::CompanyName, "Klantnaam")]).unwrap();
        assert_eq!(layout.column(Field::CompanyName), Some(0));
    }

    #[test]
    fn missing_column_suggests_a_misspelt_header() {
        let header = REQUIRED.replace("company_name", "Compnay_Name");
        let missing = missing(&header);
        assert_eq!(
            missing,
            vec![MissingColumn {
                field: Field::CompanyName,
                suggestion: Some("Compnay_Name".to_owned())
            }]
        );
        let error = layout(&header).unwrap_err().to_string();
        assert!(error.contains("did you mean `Compnay_Name`?"), "{error}");
        assert!(error.contains("`company_name`"), "{error}");
        assert!(error.contains("`company`"), "{error}");
    }

    #[test]
    fn missing_column_suggests_a_header_containing_the_name() {
        let header = REQUIRED.replace("email", "E-mail Address");
        assert_eq!(
            missing(&header)[0].suggestion.as_deref(),
            Some("E-mail Address")
        );
    }

    #[test]
    fn unrelated_headers_are_not_suggested() {
        let header = REQUIRED.replace("country", "account_manager");
        let missing = missing(&header);
        assert_eq!(missing[0].field, Field::Country);
        assert_eq!(missing[0].suggestion, None);
    }

    #[test]
    fn every_missing_column_is_listed() {
        let missing = missing("external_id,notes");
        let fields: Vec<Field> = missing.iter().map(|m| m.field).collect();
        let required: Vec<Field> = Field::ALL
            .into_iter()
            .filter(|f| f.column_required())
            .collect();
        assert_eq!(fields, required);
    }

    /// 100,000 unknown headers and every required column missing: each
    /// header is folded once and the synonyms once per process (it took
    /// minutes when every comparison folded the whole synonym table).
    #[test]
    fn a_header_row_of_many_unknown_columns_is_mapped_at_once() {
        let header: Vec<String> = (0..100_000).map(|i| format!("c{i}")).collect();
        let started = std::time::Instant::now();
        let missing = missing(&header.join(","));
        assert_eq!(missing.len(), 9, "{missing:?}");
        let took = started.elapsed();
        assert!(took < std::time::Duration::from_secs(15), "took {took:?}");
    }
}
