//! The field readers every hand decoder shares (`decode`, `decode_api`,
//! `decode_diagnostic`, `program`): a field of a JSON object as a number,
//! a flag, text, a list or a name, with an error naming the field. In test
//! builds each read is noted, so the tests can name a key serde writes that
//! no decoder reads (`decode_reads.rs`).

use reactor_protocol::Direction;
use serde_json::{Map, Value};

/// A decoding error: which field was missing or of the wrong type.
pub type Error = String;
pub(crate) type Object = Map<String, Value>;

pub(crate) fn field<'a>(object: &'a Object, name: &str) -> Result<&'a Value, Error> {
    #[cfg(test)]
    reads::note(object, name);
    object
        .get(name)
        .ok_or_else(|| format!("missing field `{name}`"))
}

pub(crate) fn object<'a>(value: &'a Value, what: &str) -> Result<&'a Object, Error> {
    value
        .as_object()
        .ok_or_else(|| format!("`{what}` is not an object"))
}

pub(crate) fn uint(object: &Object, name: &str) -> Result<u64, Error> {
    field(object, name)?
        .as_u64()
        .ok_or_else(|| format!("`{name}` is not a whole number"))
}

pub(crate) fn small(object: &Object, name: &str) -> Result<u32, Error> {
    u32::try_from(uint(object, name)?).map_err(|_| format!("`{name}` is too large"))
}

pub(crate) fn index(object: &Object, name: &str) -> Result<usize, Error> {
    usize::try_from(uint(object, name)?).map_err(|_| format!("`{name}` is too large"))
}

pub(crate) fn flag(object: &Object, name: &str) -> Result<bool, Error> {
    field(object, name)?
        .as_bool()
        .ok_or_else(|| format!("`{name}` is not true/false"))
}

pub(crate) fn text(object: &Object, name: &str) -> Result<String, Error> {
    field(object, name)?
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("`{name}` is not text"))
}

/// `null` or absent is `None`.
pub(crate) fn maybe<T>(
    object: &Object,
    name: &str,
    read: fn(&Object, &str) -> Result<T, Error>,
) -> Result<Option<T>, Error> {
    #[cfg(test)]
    reads::note(object, name);
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => read(object, name).map(Some),
    }
}

pub(crate) fn list<T>(
    object: &Object,
    name: &str,
    read: fn(&Value) -> Result<T, Error>,
) -> Result<Vec<T>, Error> {
    let items = field(object, name)?
        .as_array()
        .ok_or_else(|| format!("`{name}` is not a list"))?;
    items.iter().map(read).collect()
}

/// The value of `all` whose protocol name (`spell`) is field `name` of `o`.
pub(crate) fn named<T: Copy>(
    o: &Object,
    name: &str,
    all: &[T],
    spell: fn(T) -> &'static str,
) -> Result<T, Error> {
    let spelled = text(o, name)?;
    all.iter()
        .copied()
        .find(|&value| spell(value) == spelled)
        .ok_or_else(|| format!("unknown {name} `{spelled}`"))
}

pub(crate) fn direction(o: &Object) -> Result<Direction, Error> {
    named(o, "direction", &Direction::ALL, Direction::name)
}

#[cfg(test)]
#[path = "decode_reads.rs"]
pub(crate) mod reads;
