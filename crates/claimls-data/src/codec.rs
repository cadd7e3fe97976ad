//! The byte encoding shared by the index sections: little-endian integers, length-prefixed UTF-8,
//! dates as `YYYYMMDD`, decimals as rust_decimal's 16-byte form, and the records the query API hands
//! out ([`Code`], [`Modifier`], [`Product`], [`PlaceOfService`]). Every read is bounds-checked and
//! returns an error on bad input: a damaged index never panics and never reads out of bounds.

use crate::types::*;
use claimls_model::{Date, DoseUnit, Quantity};
use rust_decimal::Decimal;

/// Why bytes could not be read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    Corrupt(String),
    Version(u32),
}

pub(crate) fn corrupt(message: &str) -> DecodeError {
    DecodeError::Corrupt(message.to_string())
}

#[derive(Default)]
pub(crate) struct Writer(pub Vec<u8>);

impl Writer {
    pub fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    pub fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub fn len(&mut self, n: usize) {
        self.u32(u32::try_from(n).unwrap_or(u32::MAX));
    }
    pub fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }
    pub fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
            None => self.u8(0),
        }
    }
    pub fn strs<S: AsRef<str>>(&mut self, items: &[S]) {
        self.len(items.len());
        for s in items {
            self.str(s.as_ref());
        }
    }
    pub fn date(&mut self, d: Option<Date>) {
        let v = d.map_or(0, |d| {
            (d.year.max(0) as u32) * 10_000 + u32::from(d.month) * 100 + u32::from(d.day)
        });
        self.u32(v);
    }
    pub fn decimal(&mut self, d: Option<Decimal>) {
        match d {
            Some(d) => {
                self.u8(1);
                self.0.extend_from_slice(&d.serialize());
            }
            None => self.u8(0),
        }
    }
    pub fn quantity(&mut self, q: Option<Quantity>) {
        match q {
            Some(q) => {
                self.u8(unit_tag(q.unit));
                self.0.extend_from_slice(&q.amount.serialize());
            }
            None => self.u8(0),
        }
    }
    pub fn bool(&mut self, b: bool) {
        self.u8(u8::from(b));
    }
}

fn unit_tag(unit: DoseUnit) -> u8 {
    match unit {
        DoseUnit::Mg => 1,
        DoseUnit::Mcg => 2,
        DoseUnit::G => 3,
        DoseUnit::Ml => 4,
        DoseUnit::Units => 5,
    }
}

pub(crate) struct Reader<'a> {
    pub bytes: &'a [u8],
    pub pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, pos: 0 }
    }
    pub fn at_end(&self) -> bool {
        self.pos == self.bytes.len()
    }
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|e| *e <= self.bytes.len())
            .ok_or_else(|| corrupt("a record runs past the end"))?;
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }
    pub fn u32(&mut self) -> Result<u32, DecodeError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    pub fn u64(&mut self) -> Result<u64, DecodeError> {
        let mut a = [0u8; 8];
        a.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(a))
    }
    pub fn bool(&mut self) -> Result<bool, DecodeError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(corrupt("bad flag")),
        }
    }
    pub fn str(&mut self) -> Result<&'a str, DecodeError> {
        let n = self.u32()? as usize;
        std::str::from_utf8(self.take(n)?).map_err(|_| corrupt("a text is not UTF-8"))
    }
    pub fn string(&mut self) -> Result<String, DecodeError> {
        self.str().map(str::to_string)
    }
    pub fn opt_string(&mut self) -> Result<Option<String>, DecodeError> {
        match self.u8()? {
            0 => Ok(None),
            1 => self.string().map(Some),
            _ => Err(corrupt("bad text marker")),
        }
    }
    pub fn strings(&mut self) -> Result<Vec<String>, DecodeError> {
        self.list(|r| r.string())
    }
    pub fn date(&mut self) -> Result<Option<Date>, DecodeError> {
        let v = self.u32()?;
        if v == 0 {
            return Ok(None);
        }
        let y = i32::try_from(v / 10_000).unwrap_or(0);
        let m = u8::try_from(v / 100 % 100).unwrap_or(0);
        let d = u8::try_from(v % 100).unwrap_or(0);
        Date::new(y, m, d)
            .map(Some)
            .ok_or_else(|| DecodeError::Corrupt(format!("invalid date {v}")))
    }
    fn decimal_bytes(&mut self) -> Result<Decimal, DecodeError> {
        let mut a = [0u8; 16];
        a.copy_from_slice(self.take(16)?);
        Ok(Decimal::deserialize(a))
    }
    pub fn decimal(&mut self) -> Result<Option<Decimal>, DecodeError> {
        match self.u8()? {
            0 => Ok(None),
            1 => self.decimal_bytes().map(Some),
            _ => Err(corrupt("bad decimal marker")),
        }
    }
    pub fn quantity(&mut self) -> Result<Option<Quantity>, DecodeError> {
        let unit = match self.u8()? {
            0 => return Ok(None),
            1 => DoseUnit::Mg,
            2 => DoseUnit::Mcg,
            3 => DoseUnit::G,
            4 => DoseUnit::Ml,
            5 => DoseUnit::Units,
            _ => return Err(corrupt("bad dose unit")),
        };
        Ok(Some(Quantity::new(self.decimal_bytes()?, unit)))
    }
    pub fn list<T>(
        &mut self,
        mut item: impl FnMut(&mut Reader<'a>) -> Result<T, DecodeError>,
    ) -> Result<Vec<T>, DecodeError> {
        let n = self.u32()? as usize;
        // Each item takes at least one byte: do not trust a damaged count for the allocation.
        let mut out = Vec::with_capacity(n.min(self.bytes.len().saturating_sub(self.pos)));
        for _ in 0..n {
            out.push(item(self)?);
        }
        Ok(out)
    }
}

// ---- the records of the query API ----

pub(crate) fn write_code(w: &mut Writer, c: &Code) {
    w.str(&c.code);
    w.str(&c.description);
    w.opt_str(c.short_description.as_deref());
    let (kind, family) = match c.kind {
        CodeKind::Drug => (1, None),
        CodeKind::Other => (2, None),
        CodeKind::Administration(AdminRole::Other) => (3, None),
        CodeKind::Administration(AdminRole::InfusionInitial { family }) => (4, Some(family)),
        CodeKind::Administration(AdminRole::InfusionAdditional { family }) => (5, Some(family)),
    };
    w.u8(kind);
    w.u8(match family {
        None => 0,
        Some(InfusionFamily::Hydration) => 1,
        Some(InfusionFamily::Therapeutic) => 2,
        Some(InfusionFamily::Chemotherapy) => 3,
    });
    w.quantity(c.billing_unit);
    match &c.drug {
        Some(d) => {
            w.u8(1);
            write_drug(w, d);
        }
        None => w.u8(0),
    }
    w.date(c.added);
    w.date(c.terminated);
    match c.mue {
        Some(m) => {
            w.u8(1);
            w.u32(m.value);
            w.u8(m.indicator);
        }
        None => w.u8(0),
    }
    w.decimal(c.payment_limit);
    w.strs(&c.replaced_by);
}

pub(crate) fn read_code(r: &mut Reader<'_>) -> Result<Code, DecodeError> {
    let code = r.string()?;
    let description = r.string()?;
    let short_description = r.opt_string()?;
    let kind_tag = r.u8()?;
    let family = match r.u8()? {
        0 => None,
        1 => Some(InfusionFamily::Hydration),
        2 => Some(InfusionFamily::Therapeutic),
        3 => Some(InfusionFamily::Chemotherapy),
        _ => return Err(corrupt("bad infusion family")),
    };
    let kind = match (kind_tag, family) {
        (1, None) => CodeKind::Drug,
        (2, None) => CodeKind::Other,
        (3, None) => CodeKind::Administration(AdminRole::Other),
        (4, Some(family)) => CodeKind::Administration(AdminRole::InfusionInitial { family }),
        (5, Some(family)) => CodeKind::Administration(AdminRole::InfusionAdditional { family }),
        _ => return Err(corrupt("bad code kind")),
    };
    let billing_unit = r.quantity()?;
    let drug = match r.u8()? {
        0 => None,
        1 => Some(read_drug(r)?),
        _ => return Err(corrupt("bad drug marker")),
    };
    let added = r.date()?;
    let terminated = r.date()?;
    let mue = match r.u8()? {
        0 => None,
        1 => Some(Mue {
            value: r.u32()?,
            indicator: r.u8()?,
        }),
        _ => return Err(corrupt("bad MUE marker")),
    };
    Ok(Code {
        code,
        description,
        short_description,
        kind,
        billing_unit,
        drug,
        added,
        terminated,
        mue,
        payment_limit: r.decimal()?,
        replaced_by: r.strings()?,
    })
}

fn write_drug(w: &mut Writer, d: &Drug) {
    w.str(&d.generic);
    w.strs(&d.brands);
    w.len(d.presentations.len());
    for p in &d.presentations {
        write_presentation(w, p);
    }
    w.len(d.labelled_doses.len());
    for q in &d.labelled_doses {
        w.quantity(Some(*q));
    }
    w.strs(&d.indications);
    w.bool(d.infused);
}

fn read_drug(r: &mut Reader<'_>) -> Result<Drug, DecodeError> {
    Ok(Drug {
        generic: r.string()?,
        brands: r.strings()?,
        presentations: r.list(read_presentation)?,
        labelled_doses: r.list(|r| r.quantity()?.ok_or_else(|| corrupt("a dose is missing")))?,
        indications: r.strings()?,
        infused: r.bool()?,
    })
}

fn write_presentation(w: &mut Writer, p: &Presentation) {
    w.opt_str(p.ndc.as_deref());
    w.quantity(Some(p.amount));
    w.quantity(p.volume);
    w.u8(match p.container {
        Container::SingleDose => 1,
        Container::MultiDose => 2,
    });
    w.u32(p.per_package);
    w.decimal(p.billing_units_per_package);
    w.str(&p.label);
}

fn read_presentation(r: &mut Reader<'_>) -> Result<Presentation, DecodeError> {
    Ok(Presentation {
        ndc: r.opt_string()?,
        amount: r
            .quantity()?
            .ok_or_else(|| corrupt("a presentation has no amount"))?,
        volume: r.quantity()?,
        container: match r.u8()? {
            1 => Container::SingleDose,
            2 => Container::MultiDose,
            _ => return Err(corrupt("bad container")),
        },
        per_package: r.u32()?,
        billing_units_per_package: r.decimal()?,
        label: r.string()?,
    })
}

pub(crate) fn write_product(w: &mut Writer, p: &Product) {
    w.str(&p.ndc);
    w.str(&p.name);
    w.opt_str(p.labeler.as_deref());
    w.strs(&p.codes);
    match &p.presentation {
        Some(pr) => {
            w.u8(1);
            write_presentation(w, pr);
        }
        None => w.u8(0),
    }
}

pub(crate) fn read_product(r: &mut Reader<'_>) -> Result<Product, DecodeError> {
    Ok(Product {
        ndc: r.string()?,
        name: r.string()?,
        labeler: r.opt_string()?,
        codes: r.strings()?,
        presentation: match r.u8()? {
            0 => None,
            1 => Some(read_presentation(r)?),
            _ => return Err(corrupt("bad presentation marker")),
        },
    })
}

pub(crate) fn write_modifier(w: &mut Writer, m: &Modifier) {
    w.str(&m.code);
    w.str(&m.description);
    w.u8(match m.kind {
        ModifierKind::Waste => 1,
        ModifierKind::Drug => 2,
        ModifierKind::Procedure => 3,
        ModifierKind::Any => 4,
    });
    w.date(m.added);
    w.date(m.terminated);
    w.opt_str(m.replaced_by.as_deref());
}

pub(crate) fn read_modifier(r: &mut Reader<'_>) -> Result<Modifier, DecodeError> {
    Ok(Modifier {
        code: r.string()?,
        description: r.string()?,
        kind: match r.u8()? {
            1 => ModifierKind::Waste,
            2 => ModifierKind::Drug,
            3 => ModifierKind::Procedure,
            4 => ModifierKind::Any,
            _ => return Err(corrupt("bad modifier kind")),
        },
        added: r.date()?,
        terminated: r.date()?,
        replaced_by: r.opt_string()?,
    })
}

pub(crate) fn write_place(w: &mut Writer, p: &PlaceOfService) {
    w.str(&p.code);
    w.str(&p.name);
    w.bool(p.facility);
}

pub(crate) fn read_place(r: &mut Reader<'_>) -> Result<PlaceOfService, DecodeError> {
    Ok(PlaceOfService {
        code: r.string()?,
        name: r.string()?,
        facility: r.bool()?,
    })
}

/// Decode one whole record: the bytes must hold exactly one.
pub(crate) fn decode_all<T>(
    bytes: &[u8],
    read: impl FnOnce(&mut Reader<'_>) -> Result<T, DecodeError>,
) -> Result<T, DecodeError> {
    let mut r = Reader::new(bytes);
    let value = read(&mut r)?;
    if !r.at_end() {
        return Err(corrupt("trailing bytes after a record"));
    }
    Ok(value)
}

/// FNV-1a over 8-byte words (then the tail bytes): catches damaged or truncated sections, fast
/// enough to run on a section's first use.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let mut a = [0u8; 8];
        a.copy_from_slice(w);
        h ^= u64::from_le_bytes(a);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    for b in words.remainder() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}
