//! Operators on values: arithmetic (checked, as Rust's debug builds),
//! comparisons, `as` casts, and the integer and bool a place demands.

use super::Value;
use crate::ast::BinaryOp;

/// An integer, or what the value was instead.
pub(crate) fn int(value: &Value, of: &str) -> Result<i64, String> {
    match value {
        Value::Int(n) => Ok(*n),
        other => Err(format!(
            "{of} must be an integer, not a {}",
            other.type_name()
        )),
    }
}

pub(crate) fn truth(value: &Value) -> Result<bool, String> {
    match value {
        Value::Bool(b) => Ok(*b),
        other => Err(format!(
            "a condition must be a bool, not a {}",
            other.type_name()
        )),
    }
}

/// `n as` an integer type of `bits`.
pub(crate) fn wrap(n: i64, bits: u32, signed: bool) -> i64 {
    if bits >= 64 {
        return n;
    }
    let mask = (1i64 << bits) - 1;
    let low = n & mask;
    if signed && low >> (bits - 1) == 1 {
        low - (1i64 << bits)
    } else {
        low
    }
}

pub(crate) fn binary(op: BinaryOp, left: &Value, right: &Value) -> Result<Value, String> {
    use BinaryOp::*;
    let overflow = |what: &str| format!("attempt to {what} with overflow");
    Ok(match (op, left, right) {
        (Add, Value::Int(a), Value::Int(b)) => {
            Value::Int(a.checked_add(*b).ok_or_else(|| overflow("add"))?)
        }
        (Sub, Value::Int(a), Value::Int(b)) => {
            Value::Int(a.checked_sub(*b).ok_or_else(|| overflow("subtract"))?)
        }
        (Mul, Value::Int(a), Value::Int(b)) => {
            Value::Int(a.checked_mul(*b).ok_or_else(|| overflow("multiply"))?)
        }
        (Div, Value::Int(_), Value::Int(0)) => return Err("attempt to divide by zero".into()),
        (Rem, Value::Int(_), Value::Int(0)) => {
            return Err("attempt to calculate the remainder with a divisor of zero".into());
        }
        (Div, Value::Int(a), Value::Int(b)) => {
            Value::Int(a.checked_div(*b).ok_or_else(|| overflow("divide"))?)
        }
        (Rem, Value::Int(a), Value::Int(b)) => Value::Int(
            a.checked_rem(*b)
                .ok_or_else(|| overflow("calculate the remainder"))?,
        ),
        (Add, Value::Str(a), Value::Str(b)) => Value::Str(format!("{a}{b}").into()),
        (Add, Value::Duration(a), Value::Duration(b)) => Value::Duration(*a + *b),
        (And, Value::Bool(a), Value::Bool(b)) => Value::Bool(*a && *b),
        (Or, Value::Bool(a), Value::Bool(b)) => Value::Bool(*a || *b),
        (Eq | Ne, a, b) => {
            let same = a.equals(b).ok_or_else(|| {
                format!(
                    "cannot compare a {} with a {}",
                    a.type_name(),
                    b.type_name()
                )
            })?;
            Value::Bool(same == (op == Eq))
        }
        (Lt | Le | Gt | Ge, Value::Int(a), Value::Int(b)) => Value::Bool(match op {
            Lt => a < b,
            Le => a <= b,
            Gt => a > b,
            _ => a >= b,
        }),
        (Lt | Le | Gt | Ge, Value::Duration(a), Value::Duration(b)) => Value::Bool(match op {
            Lt => a < b,
            Le => a <= b,
            Gt => a > b,
            _ => a >= b,
        }),
        (op, a, b) => {
            return Err(format!(
                "`{op:?}` of a {} and a {} is not supported",
                a.type_name(),
                b.type_name()
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn casts_wrap_like_rust() {
        assert_eq!(wrap(300, 8, false), 300u32 as u8 as i64);
        assert_eq!(wrap(200, 8, true), 200i32 as i8 as i64);
        assert_eq!(wrap(-1, 16, false), -1i32 as u16 as i64);
        assert_eq!(wrap(-5, 64, true), -5);
    }
}
