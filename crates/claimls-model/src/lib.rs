//! The typed claim model: what the coder wrote, with every value's source range.
//!
//! The lowering (`crate::syntax::lower`) builds these from the tree-sitter tree; the rules read them.
//! Nothing here knows tree-sitter. Values that could not be read are `None` (and the lowering has already
//! reported a syntax finding for them), so a rule never has to second-guess the parser.

mod quantity;
mod time;

pub use quantity::{DoseUnit, Quantity};
pub use rust_decimal::Decimal;
pub use time::{Date, DateTime, Time};

/// A byte range in the document text. Front ends turn it into line/column with
/// [`crate::syntax::LineIndex`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
    pub fn is_empty(self) -> bool {
        self.start >= self.end
    }
}

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

/// One `.claim` file: its claims and what could not be read.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// The source text the spans point into (rules use it to place fix edits on whole lines).
    pub text: String,
    pub claims: Vec<Claim>,
    /// Syntax findings from the lowering: unreadable lines, values of the wrong shape, statements
    /// outside a claim.
    pub syntax: Vec<SyntaxError>,
}

/// A statement or value the lowering could not read, with the message that says what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayerKind {
    Medicare,
    MedicareAdvantage,
    Medicaid,
    Commercial,
}

impl PayerKind {
    pub const ALL: [PayerKind; 4] = [
        PayerKind::Medicare,
        PayerKind::MedicareAdvantage,
        PayerKind::Medicaid,
        PayerKind::Commercial,
    ];
    pub fn keyword(self) -> &'static str {
        match self {
            PayerKind::Medicare => "medicare",
            PayerKind::MedicareAdvantage => "medicare-advantage",
            PayerKind::Medicaid => "medicaid",
            PayerKind::Commercial => "commercial",
        }
    }
    pub fn parse(s: &str) -> Option<PayerKind> {
        PayerKind::ALL.into_iter().find(|k| k.keyword() == s)
    }
}

#[derive(Debug, Clone)]
pub struct Payer {
    pub kind: Spanned<PayerKind>,
    pub name: Option<Spanned<String>>,
    pub span: Span,
}

/// A claim: from its `claim` line to the next one.
#[derive(Debug, Clone)]
pub struct Claim {
    pub id: Spanned<String>,
    /// The `claim <id>` line.
    pub header: Span,
    /// From the `claim` line to the end of its last statement.
    pub span: Span,
    pub payer: Option<Payer>,
    pub patient: Option<Spanned<String>>,
    /// The NPI as written (validity is a rule's business).
    pub provider: Option<Spanned<String>>,
    /// The place-of-service code as written.
    pub pos: Option<Spanned<String>>,
    pub dxs: Vec<Dx>,
    pub orders: Vec<Order>,
    pub auths: Vec<Auth>,
    pub history: Vec<History>,
    pub notes: Vec<Spanned<String>>,
    pub admins: Vec<Admin>,
    pub lines: Vec<Line>,
}

/// `dx [<letter>] <code>`.
#[derive(Debug, Clone)]
pub struct Dx {
    /// `A`–`L`; assigned in order when the statement has none (then its span is the code's).
    pub letter: Spanned<char>,
    pub letter_written: bool,
    /// Upper-cased as written (`G35.A`); the dot is kept as written.
    pub code: Spanned<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderStatus {
    Signed { by: Option<Spanned<String>> },
    Unsigned,
}

#[derive(Debug, Clone)]
pub struct Order {
    pub date: Option<Spanned<Date>>,
    pub status: Spanned<OrderStatus>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Auth {
    pub number: Spanned<String>,
    pub from: Option<Spanned<Date>>,
    pub to: Option<Spanned<Date>>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryOutcome {
    Failed,
    Intolerant,
    Contraindicated,
    Stopped,
}

#[derive(Debug, Clone)]
pub struct History {
    pub treatment: Spanned<String>,
    pub outcome: Option<Spanned<HistoryOutcome>>,
    pub date: Option<Spanned<Date>>,
    pub span: Span,
}

/// An administration record: `admin <drug>` and its detail lines.
#[derive(Debug, Clone)]
pub struct Admin {
    /// The drug as written: a generic name, a brand or a HCPCS code (multi-word names joined by one space).
    pub drug: Spanned<String>,
    /// The `admin` line.
    pub header: Span,
    /// From the `admin` line to its last detail.
    pub span: Span,
    pub dose: Option<Spanned<Quantity>>,
    pub route: Option<Spanned<String>>,
    pub start: Option<Spanned<DateTime>>,
    pub stop: Option<Stop>,
    pub vials: Vec<Vial>,
    pub wastes: Vec<Waste>,
    pub reaction: Option<Spanned<Reaction>>,
    pub premeds: Vec<Spanned<String>>,
}

impl Admin {
    /// The date of service this record gives its lines: the date of `start`.
    pub fn date_of_service(&self) -> Option<Date> {
        self.start.as_ref().map(|s| s.value.date)
    }
}

#[derive(Debug, Clone)]
pub struct Stop {
    pub date: Option<Spanned<Date>>,
    pub time: Spanned<Time>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VialSize {
    /// `vial 50242-0150-01 x2`
    Ndc(Ndc),
    /// `vial 100 mg x4`
    Amount(Quantity),
}

#[derive(Debug, Clone)]
pub struct Vial {
    pub size: Spanned<VialSize>,
    /// `x<n>`; 1 when omitted.
    pub count: Spanned<u32>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Waste {
    pub amount: Spanned<Quantity>,
    pub reason: Option<Spanned<String>>,
    pub witness: Option<Spanned<String>>,
    pub evidence: Option<Spanned<String>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reaction {
    None,
    Described(String),
}

/// An NDC as written, with its 11-digit billing form when it is well-formed
/// (5-4-2 with hyphens, or 11 digits).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ndc {
    pub raw: String,
    /// `50242015001` for `50242-0150-01`; `None` when the text is not a valid 5-4-2 / 11-digit NDC.
    pub digits: Option<String>,
}

impl Ndc {
    pub fn parse(raw: &str) -> Ndc {
        Ndc {
            raw: raw.to_string(),
            digits: ndc_digits(raw),
        }
    }
    /// The 5-4-2 hyphenated form, when valid.
    pub fn hyphenated(&self) -> Option<String> {
        self.digits
            .as_ref()
            .map(|d| format!("{}-{}-{}", &d[..5], &d[5..9], &d[9..]))
    }
}

/// `50242-0150-01` or `50242015001` → `50242015001`.
pub fn ndc_digits(raw: &str) -> Option<String> {
    let b = raw.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    match b.len() {
        11 if digits(0..11) => Some(raw.to_owned()),
        // 5-4-2: read in place, one allocation for the answer.
        13 if b[5] == b'-' && b[10] == b'-' && digits(0..5) && digits(6..10) && digits(11..13) => {
            let mut out = String::with_capacity(11);
            for part in [&raw[0..5], &raw[6..10], &raw[11..13]] {
                out.push_str(part);
            }
            Some(out)
        }
        _ => None,
    }
}

/// The unit qualifier of an NDC quantity on a claim line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NdcUnit {
    /// Milliliter
    Ml,
    /// Unit (each)
    Un,
    /// Gram
    Gr,
    /// International unit
    F2,
    /// Milligram
    Me,
}

impl NdcUnit {
    pub fn parse(s: &str) -> Option<NdcUnit> {
        match s.to_ascii_uppercase().as_str() {
            "ML" => Some(NdcUnit::Ml),
            "UN" => Some(NdcUnit::Un),
            "GR" => Some(NdcUnit::Gr),
            "F2" => Some(NdcUnit::F2),
            "ME" => Some(NdcUnit::Me),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            NdcUnit::Ml => "ML",
            NdcUnit::Un => "UN",
            NdcUnit::Gr => "GR",
            NdcUnit::F2 => "F2",
            NdcUnit::Me => "ME",
        }
    }
}

#[derive(Debug, Clone)]
pub struct LineNdc {
    pub ndc: Spanned<Ndc>,
    pub quantity: Option<Spanned<Decimal>>,
    pub unit: Option<Spanned<NdcUnit>>,
    pub span: Span,
}

/// What a `dx` pointer on a line names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DxPointer {
    Letter(char),
    Code(String),
}

/// A billed line: `line <code> [<modifier>…] units <n> [dx …] [ndc …] [charge …] [on …]`.
#[derive(Debug, Clone)]
pub struct Line {
    /// Upper-cased as written.
    pub code: Spanned<String>,
    /// Upper-cased as written, in order.
    pub modifiers: Vec<Spanned<String>>,
    /// The `units` value; `None` when the clause is missing (the span of the whole line is then used).
    pub units: Option<Spanned<Decimal>>,
    /// `None` when the line has no `dx` clause (it then points at every diagnosis of the claim).
    pub dx: Option<Vec<Spanned<DxPointer>>>,
    pub ndc: Option<LineNdc>,
    pub charge: Option<Spanned<Decimal>>,
    pub on: Option<Spanned<Date>>,
    pub span: Span,
}

impl Line {
    pub fn has_modifier(&self, m: &str) -> bool {
        self.modifiers.iter().any(|x| x.value == m)
    }
}

#[cfg(test)]
mod tests {
    use super::ndc_digits;

    #[test]
    fn ndc_digits_reads_the_11_digit_and_5_4_2_forms_only() {
        assert_eq!(ndc_digits("50242015001").as_deref(), Some("50242015001"));
        assert_eq!(ndc_digits("50242-0150-01").as_deref(), Some("50242015001"));
        for other in [
            "",
            "5024201500",
            "502420150011",
            "5024-20150-01",
            "50242-015-001",
            "50242-0150-1",
            "50242-0150-01-",
            "5024a015001",
            "50242-01x0-01",
            "50242 0150 01",
            "50242--150-01",
            "５0242015001",
        ] {
            assert_eq!(ndc_digits(other), None, "{other:?}");
        }
    }
}
