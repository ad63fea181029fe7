//! Who a client is, as the per-address limits count it.
//!
//! | the client connects from | counted as |
//! |---|---|
//! | IPv4 `203.0.113.7` | `203.0.113.7` |
//! | IPv4-mapped IPv6 `::ffff:203.0.113.7` | `203.0.113.7` (the same client) |
//! | IPv6 `2001:db8:1:2:a:b:c:d` | `2001:db8:1:2::` (its /64) |
//!
//! An IPv6 host is usually handed a whole /64 and may pick any address in it,
//! so counting single IPv6 addresses would let one machine look like
//! millions; a /64 is one site, as one IPv4 address behind a NAT is.

use std::net::{IpAddr, Ipv6Addr};

/// The key `ip` is counted under by per-address limits.
pub(crate) fn address_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => {
            let prefix = v6.to_bits() & !u128::from(u64::MAX);
            IpAddr::V6(Ipv6Addr::from_bits(prefix))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> String {
        address_key(text.parse().expect("an address")).to_string()
    }

    #[test]
    fn ipv4_is_itself_mapped_or_not_and_ipv6_is_its_slash_64() {
        assert_eq!(key("203.0.113.7"), "203.0.113.7");
        assert_eq!(key("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(key("2001:db8:1:2:a:b:c:d"), "2001:db8:1:2::");
        assert_eq!(key("2001:db8:1:2::9"), key("2001:db8:1:2:ffff::1"));
        assert_ne!(key("2001:db8:1:2::9"), key("2001:db8:1:3::9"));
        assert_eq!(key("::1"), "::");
    }
}
