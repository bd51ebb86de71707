// SPDX-License-Identifier: GPL-2.0

//! debugfs knobs: strict parsing (bad input is an errno, and changes
//! nothing) and the address format the tables print.

use core::fmt;

use kernel::{prelude::*, uaccess::UserSliceReader};

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

/// Writes an address: a dotted quad, or RFC 5952 text (`2001:db8::1`),
/// as `ip route` prints it.
pub(crate) fn write_addr(f: &mut fmt::Formatter<'_>, family: u8, dst: &[u8; 16]) -> fmt::Result {
    if family == 4 {
        return write!(f, "{}.{}.{}.{}", dst[0], dst[1], dst[2], dst[3]);
    }
    let mut groups = [0u16; 8];
    for (g, pair) in groups.iter_mut().zip(dst.chunks_exact(2)) {
        *g = u16::from_be_bytes([pair[0], pair[1]]);
    }
    // The longest run of two or more zero groups (the first if tied).
    let (mut best, mut best_len, mut run) = (0, 0, 0);
    for (i, &g) in groups.iter().enumerate() {
        run = if g == 0 { run + 1 } else { 0 };
        if run > best_len {
            best_len = run;
            best = i + 1 - run;
        }
    }
    if best_len < 2 {
        best_len = 0;
        best = 8;
    }
    let write_groups = |f: &mut fmt::Formatter<'_>, gs: &[u16]| -> fmt::Result {
        for (i, g) in gs.iter().enumerate() {
            let sep = if i == 0 { "" } else { ":" };
            write!(f, "{sep}{g:x}")?;
        }
        Ok(())
    };
    write_groups(f, &groups[..best])?;
    if best_len > 0 {
        f.write_str("::")?;
        write_groups(f, &groups[best + best_len..])?;
    }
    Ok(())
}
