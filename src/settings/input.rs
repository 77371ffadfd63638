//! [`InputSettings`]: the input file and how to read and check it.

use std::path::{Path, PathBuf};

use super::{Given, Layers, Source, Sourced};
use crate::input::{InputOptions, TextEncoding, is_workbook_path};
use crate::validate::{CheckContext, Field};

/// The input file and how to read and check it: the worksheet of a
/// workbook, the encoding of a CSV, the config file's `[columns]` and
/// `partner_domains`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputSettings {
    path: PathBuf,
    sheet: Option<Sourced<String>>,
    encoding: Option<Sourced<TextEncoding>>,
    columns: Vec<(Field, String)>,
    partner_domains: Vec<String>,
}

impl InputSettings {
    /// Resolve how to read `path` from `layers`. The config file's `sheet`
    /// names the worksheet of workbook inputs and is not applied to a CSV
    /// (a job's config serves its `.xlsx` deliveries and the CSV results
    /// they give); a `--sheet` flag with a CSV input stays an error.
    pub(crate) fn resolve(path: PathBuf, layers: &Layers) -> Self {
        let sheet = layers.pick("sheet", |l| l.sheet.clone()).filter(|s| {
            let applies = s.source() != Source::ConfigFile || is_workbook_path(&path);
            if !applies {
                tracing::info!(
                    input = %path.display(),
                    "the config file's sheet is for .xlsx inputs: not applied to a CSV"
                );
            }
            applies
        });
        let columns = first_list(layers, |l| &l.columns);
        let partner_domains = first_list(layers, |l| &l.partner_domains);
        InputSettings {
            sheet,
            encoding: layers.pick("encoding", |l| l.encoding),
            columns,
            partner_domains,
            path,
        }
    }

    /// The same reading settings for another file, `path`, whose
    /// worksheet (for a workbook) is `sheet`, given as a flag.
    pub(crate) fn for_file(&self, path: PathBuf, sheet: Option<String>) -> Self {
        InputSettings {
            path,
            sheet: sheet.map(|s| Sourced::new(s, Source::CommandLine)),
            encoding: self.encoding.clone(),
            columns: self.columns.clone(),
            partner_domains: self.partner_domains.clone(),
        }
    }

    /// The input file.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The worksheet asked for, if any.
    pub(crate) fn sheet(&self) -> Option<&str> {
        self.sheet.as_ref().map(|s| s.value().as_str())
    }

    /// The encoding asked for, if any.
    pub(crate) fn encoding(&self) -> Option<TextEncoding> {
        self.encoding.as_ref().map(|e| *e.value())
    }

    /// The config file's `[columns]`: field → header.
    pub(crate) fn columns(&self) -> &[(Field, String)] {
        &self.columns
    }

    /// What the row check needs beyond the row: the partner's domains.
    /// More sources (the signed-in token) add theirs with
    /// [`CheckContext::add_partner_domains`].
    pub(crate) fn check_context(&self) -> CheckContext {
        CheckContext::default().with_partner_domains(&self.partner_domains)
    }

    /// The library's reading options.
    pub(crate) fn options(&self) -> InputOptions {
        InputOptions {
            sheet: self.sheet().map(str::to_owned),
            encoding: self.encoding(),
            columns: self.columns.clone(),
        }
    }

    /// `sheet` and `encoding` when given by the command line: what a
    /// printed command repeats (the path is the command's own).
    pub(crate) fn given(&self) -> Vec<Given> {
        let mut out = Vec::new();
        if let Some(sheet) = self.sheet.as_ref().filter(|s| s.source().is_given()) {
            out.push(("sheet", sheet.value().clone()));
        }
        if let Some(encoding) = self.encoding.as_ref().filter(|e| e.source().is_given()) {
            out.push(("encoding", encoding.value().name().to_owned()));
        }
        out
    }
}

/// A list setting from the first layer that gives a non-empty one (lists
/// are not merged across layers).
fn first_list<T: Clone>(layers: &Layers, get: impl Fn(&super::Layer) -> &Vec<T>) -> Vec<T> {
    [
        &layers.command_line,
        &layers.environment,
        &layers.config_file,
    ]
    .into_iter()
    .map(get)
    .find(|list| !list.is_empty())
    .cloned()
    .unwrap_or_default()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;
    use crate::settings::Layer;

    fn config(sheet: &str) -> Layers {
        Layers {
            config_file: Layer {
                sheet: Some(sheet.to_owned()),
                encoding: Some(TextEncoding::WINDOWS_1252),
                columns: vec![(Field::CompanyName, "Klantnaam".to_owned())],
                ..Layer::default()
            },
            ..Layers::default()
        }
    }

    #[test]
    fn the_config_files_sheet_is_for_workbooks_only() {
        let xlsx = InputSettings::resolve("in.xlsx".into(), &config("Klanten"));
        assert_eq!(xlsx.sheet(), Some("Klanten"));
        let csv = InputSettings::resolve("results.csv".into(), &config("Klanten"));
        assert_eq!(csv.sheet(), None);
        assert_eq!(csv.encoding(), Some(TextEncoding::WINDOWS_1252));
        assert_eq!(csv.columns().len(), 1);
        assert!(csv.given().is_empty(), "the config file is named instead");
        let mut flag = config("Klanten");
        flag.command_line.sheet = Some("Blad1".to_owned());
        let csv = InputSettings::resolve("in.csv".into(), &flag);
        assert_eq!(csv.sheet(), Some("Blad1"), "a flag is never dropped");
        assert_eq!(csv.given(), [("sheet", "Blad1".to_owned())]);
    }

    #[test]
    fn another_file_keeps_the_encoding_and_the_columns() {
        let mut layers = config("Klanten");
        layers.command_line.encoding = Some(TextEncoding::UTF_16LE);
        let input = InputSettings::resolve("in.xlsx".into(), &layers);
        let results = input.for_file("out.xlsx".into(), Some("Results".to_owned()));
        assert_eq!(results.path(), Path::new("out.xlsx"));
        assert_eq!(results.options().columns, input.options().columns);
        assert_eq!(
            results.given(),
            [
                ("sheet", "Results".to_owned()),
                ("encoding", "UTF-16LE".to_owned())
            ]
        );
    }
}
