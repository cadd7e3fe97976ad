//! What a rule returns: a finding with its rule id, severity, message, range and optional fix.

use claimls_model::Span;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Information,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "error" | "e" => Some(Severity::Error),
            "warning" | "warn" | "w" => Some(Severity::Warning),
            "information" | "info" | "i" => Some(Severity::Information),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A text replacement: `span` (byte range in the document) becomes `new_text`. An empty span inserts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub new_text: String,
}

/// A fix the coder can apply (the LSP offers it as a quick fix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// Imperative, shown in the editor's light-bulb menu: `Add "line J1745 JW units 5"`.
    pub title: String,
    pub edits: Vec<Edit>,
}

/// Another place that explains a finding (the `admin` whose dose the units disagree with).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The stable rule id: `waste-jw-missing`.
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    pub related: Vec<Related>,
    /// The fix when there is one right answer (`check` prints it; the LSP offers it first).
    pub fix: Option<Fix>,
    /// Other fixes the coder chooses from when there is no single right answer (G35 → G35.A, G35.B0…);
    /// the LSP offers each as a quick fix.
    pub alternatives: Vec<Fix>,
}

impl Finding {
    pub fn new(rule: &Rule, span: Span, message: impl Into<String>) -> Finding {
        Finding {
            rule: rule.id,
            severity: rule.severity,
            message: message.into(),
            span,
            related: Vec::new(),
            fix: None,
            alternatives: Vec::new(),
        }
    }
    pub fn severity(mut self, severity: Severity) -> Finding {
        self.severity = severity;
        self
    }
    pub fn related(mut self, span: Span, message: impl Into<String>) -> Finding {
        self.related.push(Related {
            span,
            message: message.into(),
        });
        self
    }
    pub fn alternative(mut self, title: impl Into<String>, edits: Vec<Edit>) -> Finding {
        self.alternatives.push(Fix {
            title: title.into(),
            edits,
        });
        self
    }
    pub fn fix(mut self, title: impl Into<String>, edits: Vec<Edit>) -> Finding {
        self.fix = Some(Fix {
            title: title.into(),
            edits,
        });
        self
    }
}

/// The family a rule belongs to (a module of this crate). The order here is the catalogue's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Family {
    Syntax,
    Units,
    Waste,
    Documentation,
    Administration,
    Codes,
    Payer,
}

impl Family {
    pub fn title(self) -> &'static str {
        match self {
            Family::Syntax => "Syntax",
            Family::Units => "Units",
            Family::Waste => "Waste (JW / JZ)",
            Family::Documentation => "Documentation",
            Family::Administration => "Administration codes (the infusion and injection hierarchy)",
            Family::Codes => "Codes, diagnoses and medical necessity",
            Family::Payer => "Payer profile",
        }
    }
}

/// What a rule runs on: one claim with its precomputed facts ([`crate::context::ClaimCtx`]). It pushes
/// findings of its own rule only (the engine checks that in tests).
pub type CheckFn = fn(&crate::context::ClaimCtx, &mut Vec<Finding>);

/// A rule's identity and documentation. Declared with [`declare_rule!`] next to its function, so
/// `docs/rules.md` (generated from these) cannot drift from the code, and registered by that
/// declaration in [`RULES`]: there is no list of rules to keep by hand.
#[derive(Debug)]
pub struct Rule {
    pub id: &'static str,
    pub family: Family,
    /// Default severity (payer profiles and `claimls.toml` may change it).
    pub severity: Severity,
    /// "payer-dependent" rules say so; their severity comes from the payer profile.
    pub payer_dependent: bool,
    /// Markdown: `## What it does`, `## Why it matters`, `## Example`, `## Fix`.
    pub doc: &'static str,
    /// The rule's one function; `None` for `syntax-error`, which the lowering reports.
    pub check: Option<CheckFn>,
    /// Where it is declared, for the catalogue order within a family.
    pub declared_at: (&'static str, u32),
}

/// Every declared rule, collected at link time from the [`declare_rule!`] declarations (in no
/// particular order: [`crate::all`] sorts them).
#[linkme::distributed_slice]
pub static RULES: [&'static Rule];

/// Declares a rule with its documentation from doc comments and the function that checks it, and
/// registers it in [`RULES`]:
///
/// ```text
/// declare_rule! {
///     /// ## What it does
///     /// …
///     pub WASTE_JW_MISSING = "waste-jw-missing", Waste, Error, check: waste_jw_missing
/// }
/// ```
macro_rules! declare_rule {
    ($(#[doc = $doc:expr])* pub $name:ident = $id:literal, $family:ident, $sev:ident, payer_dependent $(, check: $check:path)?) => {
        declare_rule!(@make [$($doc)*] $name $id $family $sev true [$($check)?]);
    };
    ($(#[doc = $doc:expr])* pub $name:ident = $id:literal, $family:ident, $sev:ident $(, check: $check:path)?) => {
        declare_rule!(@make [$($doc)*] $name $id $family $sev false [$($check)?]);
    };
    (@make [$($doc:expr)*] $name:ident $id:literal $family:ident $sev:ident $payer:literal [$($check:path)?]) => {
        $(#[doc = $doc])*
        pub static $name: $crate::Rule = $crate::Rule {
            id: $id,
            family: $crate::Family::$family,
            severity: $crate::Severity::$sev,
            payer_dependent: $payer,
            doc: concat!($($doc, "\n"),*),
            check: declare_rule!(@check $($check)?),
            declared_at: (file!(), line!()),
        };
        const _: () = {
            #[linkme::distributed_slice($crate::RULES)]
            static REGISTERED: &'static $crate::Rule = &$name;
        };
    };
    (@check) => { None };
    (@check $check:path) => { Some($check as $crate::CheckFn) };
}
pub(crate) use declare_rule;
