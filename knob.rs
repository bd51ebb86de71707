// SPDX-License-Identifier: GPL-2.0

//! debugfs knobs: strict parsing (bad input is an errno, and changes
//! nothing), the value files every listener uses ([`Knob`], [`Flag`]), and
//! the formats the tables print.

use core::{
    fmt,
    net::{Ipv4Addr, Ipv6Addr},
};

use kernel::{
    debugfs::{Reader, Writer},
    prelude::*,
    sync::atomic::{Atomic, Relaxed},
    uaccess::UserSliceReader,
};

/// A number that a debugfs file shows and sets (`read_write_file()`): a
/// decimal line; a write is [`parse_u64`]'s, within `min..=max`, else the
/// `out_of_range` errno, and changes nothing.
pub(crate) struct Knob {
    value: Atomic<u64>,
    min: u64,
    max: u64,
    out_of_range: Error,
}

impl Knob {
    /// A knob at `value` that takes `min..=max` (`ERANGE` outside).
    pub(crate) const fn new(value: u64, min: u64, max: u64) -> Self {
        Self {
            value: Atomic::new(value),
            min,
            max,
            out_of_range: ERANGE,
        }
    }

    /// The same knob, refusing values outside its range with `errno`.
    pub(crate) const fn refusing(self, errno: Error) -> Self {
        Self {
            out_of_range: errno,
            ..self
        }
    }

    pub(crate) fn get(&self) -> u64 {
        self.value.load(Relaxed)
    }
}

impl Writer for Knob {
    fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.get())
    }
}

impl Reader for Knob {
    fn read_from_slice(&self, reader: &mut UserSliceReader) -> Result {
        let v = parse_u64(reader)?;
        if !(self.min..=self.max).contains(&v) {
            return Err(self.out_of_range);
        }
        self.value.store(v, Relaxed);
        Ok(())
    }
}

/// A switch that a debugfs file shows and sets: `0` or `1` ([`parse_bool`]).
pub(crate) struct Flag(Atomic<bool>);

impl Flag {
    pub(crate) const fn new(on: bool) -> Self {
        Self(Atomic::new(on))
    }

    pub(crate) fn get(&self) -> bool {
        self.0.load(Relaxed)
    }
}

impl Writer for Flag {
    fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", u8::from(self.get()))
    }
}

impl Reader for Flag {
    fn read_from_slice(&self, reader: &mut UserSliceReader) -> Result {
        self.0.store(parse_bool(reader)?, Relaxed);
        Ok(())
    }
}

/// Reads a short decimal from a debugfs write; rejects anything else.
pub(crate) fn parse_u64(reader: &mut UserSliceReader) -> Result<u64> {
    let mut buf = [0u8; 24];
    let len = reader.len();
    if len == 0 || len >= buf.len() {
        return Err(EINVAL);
    }
    reader.read_slice(&mut buf[..len])?;
    let text = core::str::from_utf8(&buf[..len]).map_err(|_| EINVAL)?;
    let text = text.strip_suffix('\n').unwrap_or(text);
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(EINVAL);
    }
    text.parse::<u64>().map_err(|_| ERANGE)
}

/// Reads a namespace filter: the inode number of a bridged namespace, or 0
/// (every namespace).
pub(crate) fn parse_netns(reader: &mut UserSliceReader) -> Result<u64> {
    let v = parse_u64(reader)?;
    if v > u64::from(u32::MAX) {
        return Err(ERANGE);
    }
    if v != 0 && crate::nets::find(v).is_none() {
        return Err(ENOENT);
    }
    Ok(v)
}

/// Counts one in a `stats` counter; returns the new count.
pub(crate) fn count(counter: &Atomic<u64>) -> u64 {
    counter.fetch_add(1, Relaxed) + 1
}

/// Writes `name value` lines, the format of every `stats` file.
pub(crate) fn write_stats(f: &mut fmt::Formatter<'_>, stats: &[(&str, u64)]) -> fmt::Result {
    for (name, value) in stats {
        writeln!(f, "{name} {value}")?;
    }
    Ok(())
}

/// Reads `0` or `1`.
pub(crate) fn parse_bool(reader: &mut UserSliceReader) -> Result<bool> {
    match parse_u64(reader)? {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(ERANGE),
    }
}

/// Writes an address as `ip route` prints it: a dotted quad, or RFC 5952
/// text (`2001:db8::1`, `::ffff:192.0.2.1`), by `core::net`.
pub(crate) fn write_addr(f: &mut fmt::Formatter<'_>, family: u8, dst: &[u8; 16]) -> fmt::Result {
    if family == 4 {
        let v4: [u8; 4] = [dst[0], dst[1], dst[2], dst[3]];
        return write!(f, "{}", Ipv4Addr::from(v4));
    }
    write!(f, "{}", Ipv6Addr::from(*dst))
}

/// Writes `name` if `value` indexes `names`, else the number.
fn write_name(f: &mut fmt::Formatter<'_>, names: &[&str], value: u8) -> fmt::Result {
    match names.get(usize::from(value)) {
        Some(name) => f.write_str(name),
        None => write!(f, "{value}"),
    }
}

/// A route type (`RTN_*`, `include/uapi/linux/rtnetlink.h`) as `ip route`
/// prints it.
pub(crate) fn write_rtn_type(f: &mut fmt::Formatter<'_>, rtn_type: u8) -> fmt::Result {
    const NAMES: [&str; 12] = [
        "unspec",
        "unicast",
        "local",
        "broadcast",
        "anycast",
        "multicast",
        "blackhole",
        "unreachable",
        "prohibit",
        "throw",
        "nat",
        "xresolve",
    ];
    write_name(f, &NAMES, rtn_type)
}

/// A rule action (`FR_ACT_*`, `include/uapi/linux/fib_rules.h`) as `ip
/// rule` prints it (`FR_ACT_TO_TBL`: `lookup`).
pub(crate) fn write_rule_action(f: &mut fmt::Formatter<'_>, action: u8) -> fmt::Result {
    const NAMES: [&str; 9] = [
        "unspec",
        "lookup",
        "goto",
        "nop",
        "res3",
        "res4",
        "blackhole",
        "unreachable",
        "prohibit",
    ];
    write_name(f, &NAMES, action)
}

/// A route's protocol (`RTPROT_*`) as `ip route` prints it after `proto`:
/// iproute2's names (`rt_protos`), else the number.
pub(crate) fn write_rt_protocol(f: &mut fmt::Formatter<'_>, protocol: u8) -> fmt::Result {
    let name = match protocol {
        0 => "unspec",
        1 => "redirect",
        2 => "kernel",
        3 => "boot",
        4 => "static",
        8 => "gated",
        9 => "ra",
        10 => "mrt",
        11 => "zebra",
        12 => "bird",
        13 => "dnrouted",
        14 => "xorp",
        15 => "ntk",
        16 => "dhcp",
        18 => "keepalived",
        42 => "babel",
        99 => "openr",
        186 => "bgp",
        187 => "isis",
        188 => "ospf",
        189 => "rip",
        192 => "eigrp",
        n => return write!(f, "{n}"),
    };
    f.write_str(name)
}

/// A route's scope (`RT_SCOPE_*`) as `ip route` prints it after `scope`:
/// iproute2's names (`rt_scopes`), else the number.
pub(crate) fn write_rt_scope(f: &mut fmt::Formatter<'_>, scope: u8) -> fmt::Result {
    let name = match scope {
        0 => "global",
        200 => "site",
        253 => "link",
        254 => "host",
        255 => "nowhere",
        n => return write!(f, "{n}"),
    };
    f.write_str(name)
}
