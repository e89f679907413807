//! Date and time functions.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use rusqlite::types::Value;
use rusqlite::Connection;

use crate::value::{any_null, check_args, int, reg, reg_names, text, to_f64, to_i64, to_str};
use crate::Context;

type R = Result<Value, String>;

/// A parsed temporal value: whether it was a bare DATE, and whether it carried a fraction.
#[derive(Clone, Copy)]
struct Dt {
    dt: NaiveDateTime,
    date_only: bool,
    frac: bool,
}

fn parse_frac(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 6 || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    format!("{s:0<6}").parse().ok()
}

/// The digits after the point of a temporal value written as text (`'...:00.25'`: 2).
fn frac_digits(v: &Value) -> usize {
    let Value::Text(t) = v else {
        return 0;
    };
    t.trim()
        .rsplit_once('.')
        .filter(|(head, _)| head.contains(':'))
        .map_or(0, |(_, f)| {
            f.bytes().take_while(u8::is_ascii_digit).count().min(6)
        })
}

/// A time zone as CONVERT_TZ takes it, in seconds east of UTC: `+hh:mm` from -13:59 to
/// +14:00, or UTC / SYSTEM (Rewind's clusters run in UTC). Named zones need the time zone
/// tables, which are empty: None, as MySQL answers then.
fn tz_offset(z: &str) -> Option<i64> {
    let z = z.trim();
    if z.eq_ignore_ascii_case("UTC") || z.eq_ignore_ascii_case("SYSTEM") {
        return Some(0);
    }
    let (sign, rest) = match z.as_bytes().first()? {
        b'+' => (1, &z[1..]),
        b'-' => (-1, &z[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':')?;
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    if !(0..60).contains(&m) || h > 14 {
        return None;
    }
    let secs = sign * (h * 3600 + m * 60);
    (-(13 * 3600 + 59 * 60)..=14 * 3600)
        .contains(&secs)
        .then_some(secs)
}

fn parse_dt(v: &Value) -> Option<Dt> {
    parse_dt_strict(v).or_else(|| {
        let t = crate::assign::parse_temporal(v)?;
        let dt = t.date.and_time(NaiveTime::MIN) + Duration::microseconds(t.micros);
        Some(Dt {
            dt,
            date_only: !t.has_time,
            frac: t.micros % 1_000_000 != 0,
        })
    })
}

fn parse_dt_strict(v: &Value) -> Option<Dt> {
    let s = match v {
        Value::Integer(i) => {
            let s = i.to_string();
            return match s.len() {
                8 => NaiveDate::parse_from_str(&s, "%Y%m%d").ok().map(|d| Dt {
                    dt: d.and_time(NaiveTime::MIN),
                    date_only: true,
                    frac: false,
                }),
                14 => NaiveDateTime::parse_from_str(&s, "%Y%m%d%H%M%S")
                    .ok()
                    .map(|dt| Dt {
                        dt,
                        date_only: false,
                        frac: false,
                    }),
                _ => None,
            };
        }
        other => to_str(other)?,
    };
    let s = s.trim();
    let (date, rest) = match s.find([' ', 'T']) {
        Some(p) => (&s[..p], Some(s[p + 1..].trim())),
        None => (s, None),
    };
    let mut it = date.split('-');
    let (y, m, d) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() || y.len() != 4 {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)?;
    match rest {
        None | Some("") => Some(Dt {
            dt: date.and_time(NaiveTime::MIN),
            date_only: true,
            frac: false,
        }),
        Some(t) => {
            let (hms, f) = match t.split_once('.') {
                Some((a, b)) => (a, Some(b)),
                None => (t, None),
            };
            let mut p = hms.split(':');
            let h: u32 = p.next()?.parse().ok()?;
            let mi: u32 = p.next().unwrap_or("0").parse().ok()?;
            let se: u32 = p.next().unwrap_or("0").parse().ok()?;
            if p.next().is_some() {
                return None;
            }
            let micro = match f {
                Some(f) => parse_frac(f)?,
                None => 0,
            };
            let time = NaiveTime::from_hms_micro_opt(h, mi, se, micro)?;
            Some(Dt {
                dt: date.and_time(time),
                date_only: false,
                frac: f.is_some(),
            })
        }
    }
}

/// A TIME as signed microseconds, and whether it carried a fraction; datetimes give their time part.
fn parse_time(v: &Value) -> Option<(i64, bool)> {
    parse_time_strict(v).or_else(|| {
        let d = parse_dt(v)?;
        let t = d.dt.time();
        Some((
            (t.num_seconds_from_midnight() as i64) * 1_000_000 + (t.nanosecond() / 1000) as i64,
            d.frac,
        ))
    })
}

fn parse_time_strict(v: &Value) -> Option<(i64, bool)> {
    if let Some(d) = parse_dt_strict(v) {
        let t = d.dt.time();
        return Some((
            (t.num_seconds_from_midnight() as i64) * 1_000_000 + (t.nanosecond() / 1000) as i64,
            d.frac,
        ));
    }
    let s = to_str(v)?;
    let s = s.trim();
    let (neg, body) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let (hms, f) = match body.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (body, None),
    };
    let (days, hms) = match hms.split_once(' ') {
        Some((d, r)) => (d.parse::<i64>().ok()?, r),
        None => (0, hms),
    };
    let parts: Vec<&str> = hms.split(':').collect();
    let nums: Vec<i64> = parts
        .iter()
        .map(|p| p.parse::<i64>().ok())
        .collect::<Option<_>>()?;
    let (h, m, sec) = match nums.as_slice() {
        [h, m, s] => (*h, *m, *s),
        [h, m] => (*h, *m, 0),
        [n] if !hms.is_empty() => (n / 10000, n / 100 % 100, n % 100),
        _ => return None,
    };
    if m > 59 || sec > 59 || m < 0 || sec < 0 || h < 0 {
        return None;
    }
    let micro = match f {
        Some(f) => parse_frac(f)? as i64,
        None => 0,
    };
    let total = (((days * 24 + h) * 60 + m) * 60 + sec) * 1_000_000 + micro;
    Some((if neg { -total } else { total }, f.is_some()))
}

const MAX_TIME: i64 = (838 * 3600 + 59 * 60 + 59) * 1_000_000;

fn fmt_time(us: i64, frac: bool) -> String {
    let us = us.clamp(-MAX_TIME - 999_999, MAX_TIME + 999_999);
    let us = if frac {
        us
    } else {
        us.clamp(-MAX_TIME, MAX_TIME)
    };
    let sign = if us < 0 { "-" } else { "" };
    let a = us.unsigned_abs();
    let secs = a / 1_000_000;
    let mut s = format!(
        "{sign}{:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
    if frac {
        s.push_str(&format!(".{:06}", a % 1_000_000));
    }
    s
}

fn fmt_dt(d: &Dt) -> String {
    if d.date_only {
        d.dt.format("%Y-%m-%d").to_string()
    } else if d.frac {
        d.dt.format("%Y-%m-%d %H:%M:%S%.6f").to_string()
    } else {
        d.dt.format("%Y-%m-%d %H:%M:%S").to_string()
    }
}

/// MySQL's day number (TO_DAYS).
fn to_days(d: NaiveDate) -> i64 {
    d.num_days_from_ce() as i64 + 365
}

fn days_in_year(y: i32) -> i64 {
    if NaiveDate::from_ymd_opt(y, 2, 29).is_some() {
        366
    } else {
        365
    }
}

/// MySQL's calc_week: bit 0 Monday first, bit 1 week-of-year mode, bit 2 first weekday rule.
fn calc_week(d: NaiveDate, behaviour: u32) -> (i32, i64) {
    let monday_first = behaviour & 1 != 0;
    let mut week_year = behaviour & 2 != 0;
    let first_weekday = behaviour & 4 != 0;
    let mut year = d.year();
    let daynr = to_days(d);
    let jan1 = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(d);
    let mut first_daynr = to_days(jan1);
    let wd = |x: NaiveDate| -> i64 {
        if monday_first {
            x.weekday().num_days_from_monday() as i64
        } else {
            x.weekday().num_days_from_sunday() as i64
        }
    };
    let mut weekday = wd(jan1);
    if d.month() == 1 && (d.day() as i64) <= 7 - weekday {
        if !week_year && ((first_weekday && weekday != 0) || (!first_weekday && weekday >= 4)) {
            return (year, 0);
        }
        week_year = true;
        year -= 1;
        let days = days_in_year(year);
        first_daynr -= days;
        weekday = (weekday + 53 * 7 - days) % 7;
    }
    let days = if (first_weekday && weekday != 0) || (!first_weekday && weekday >= 4) {
        daynr - (first_daynr + (7 - weekday))
    } else {
        daynr - (first_daynr - weekday)
    };
    if week_year && days >= 52 * 7 {
        let weekday = (weekday + days_in_year(year)) % 7;
        if (!first_weekday && weekday < 4) || (first_weekday && weekday == 0) {
            return (year + 1, 1);
        }
    }
    (year, days / 7 + 1)
}

fn week_mode(mode: i64) -> u32 {
    let mut m = (mode & 7) as u32;
    if m & 1 == 0 {
        m ^= 4;
    }
    m
}

const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn suffix(d: u32) -> &'static str {
    match (d % 10, d % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

fn date_format(dt: NaiveDateTime, fmt: &str) -> String {
    let mut out = String::new();
    let mut it = fmt.chars();
    let d = dt.date();
    let h12 = |h: u32| if h.is_multiple_of(12) { 12 } else { h % 12 };
    while let Some(c) = it.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let Some(s) = it.next() else { break };
        let wd = d.weekday().num_days_from_monday() as usize;
        let part = match s {
            'a' => DAYS[wd][..3].to_string(),
            'b' => MONTHS[d.month0() as usize][..3].to_string(),
            'c' => d.month().to_string(),
            'D' => format!("{}{}", d.day(), suffix(d.day())),
            'd' => format!("{:02}", d.day()),
            'e' => d.day().to_string(),
            'f' => format!("{:06}", dt.nanosecond() / 1000),
            'H' => format!("{:02}", dt.hour()),
            'h' | 'I' => format!("{:02}", h12(dt.hour())),
            'i' => format!("{:02}", dt.minute()),
            'j' => format!("{:03}", d.ordinal()),
            'k' => dt.hour().to_string(),
            'l' => h12(dt.hour()).to_string(),
            'M' => MONTHS[d.month0() as usize].to_string(),
            'm' => format!("{:02}", d.month()),
            'p' => (if dt.hour() < 12 { "AM" } else { "PM" }).to_string(),
            'r' => format!(
                "{:02}:{:02}:{:02} {}",
                h12(dt.hour()),
                dt.minute(),
                dt.second(),
                if dt.hour() < 12 { "AM" } else { "PM" }
            ),
            'S' | 's' => format!("{:02}", dt.second()),
            'T' => format!("{:02}:{:02}:{:02}", dt.hour(), dt.minute(), dt.second()),
            'U' => format!("{:02}", calc_week(d, 4).1),
            'u' => format!("{:02}", calc_week(d, 1).1),
            'V' => format!("{:02}", calc_week(d, 6).1),
            'v' => format!("{:02}", calc_week(d, 3).1),
            'W' => DAYS[wd].to_string(),
            'w' => d.weekday().num_days_from_sunday().to_string(),
            'X' => format!("{:04}", calc_week(d, 6).0),
            'x' => format!("{:04}", calc_week(d, 3).0),
            'Y' => format!("{:04}", d.year()),
            'y' => format!("{:02}", d.year() % 100),
            other => other.to_string(),
        };
        out.push_str(&part);
    }
    out
}

fn time_format(us: i64, fmt: &str) -> Option<String> {
    let neg = us < 0;
    let a = us.unsigned_abs();
    let secs = a / 1_000_000;
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let h12 = if h % 12 == 0 { 12 } else { h % 12 };
    let ampm = if h % 24 < 12 { "AM" } else { "PM" };
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    let mut it = fmt.chars();
    while let Some(c) = it.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let Some(x) = it.next() else { break };
        let part = match x {
            'f' => format!("{:06}", a % 1_000_000),
            'H' => format!("{h:02}"),
            'h' | 'I' => format!("{h12:02}"),
            'i' => format!("{m:02}"),
            'k' => h.to_string(),
            'l' => h12.to_string(),
            'p' => ampm.to_string(),
            'r' => format!("{h12:02}:{m:02}:{s:02} {ampm}"),
            'S' | 's' => format!("{s:02}"),
            'T' => format!("{h:02}:{m:02}:{s:02}"),
            'a' | 'b' | 'c' | 'D' | 'd' | 'e' | 'j' | 'M' | 'm' | 'U' | 'u' | 'V' | 'v' | 'W'
            | 'w' | 'X' | 'x' | 'Y' | 'y' => return None,
            other => other.to_string(),
        };
        out.push_str(&part);
    }
    Some(out)
}

/// STR_TO_DATE: the parsed value as DATE, TIME or DATETIME text depending on the format's parts.
fn str_to_date(s: &str, fmt: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut pos = 0usize;
    let (mut y, mut mo, mut d) = (None::<i32>, None::<u32>, None::<u32>);
    let (mut h, mut mi, mut se, mut us) = (None::<u32>, None::<u32>, None::<u32>, None::<u32>);
    let mut pm: Option<bool> = None;
    let num = |pos: &mut usize, max: usize| -> Option<i64> {
        let st = *pos;
        while *pos < b.len() && *pos - st < max && b[*pos].is_ascii_digit() {
            *pos += 1;
        }
        s[st..*pos].parse().ok()
    };
    let name = |pos: &mut usize, list: &[&str], abbr: bool| -> Option<u32> {
        let rest = s[*pos..].to_ascii_lowercase();
        for (i, n) in list.iter().enumerate() {
            let n = if abbr { &n[..3] } else { n };
            if rest.starts_with(&n.to_ascii_lowercase()) {
                *pos += n.len();
                return Some(i as u32);
            }
        }
        None
    };
    let mut it = fmt.chars();
    while let Some(c) = it.next() {
        while pos < b.len() && b[pos].is_ascii_whitespace() {
            pos += 1;
        }
        if c != '%' {
            if c == ' ' {
                while pos < b.len() && b[pos] == b' ' {
                    pos += 1;
                }
                continue;
            }
            if s[pos..].starts_with(c) {
                pos += c.len_utf8();
                continue;
            }
            return None;
        }
        let x = it.next()?;
        match x {
            'Y' => y = Some(num(&mut pos, 4)? as i32),
            'y' => {
                let v = num(&mut pos, 2)? as i32;
                y = Some(if v < 70 { 2000 + v } else { 1900 + v });
            }
            'm' | 'c' => mo = Some(num(&mut pos, 2)? as u32),
            'd' | 'e' => d = Some(num(&mut pos, 2)? as u32),
            'H' | 'k' | 'h' | 'I' | 'l' => h = Some(num(&mut pos, 2)? as u32),
            'i' => mi = Some(num(&mut pos, 2)? as u32),
            'S' | 's' => se = Some(num(&mut pos, 2)? as u32),
            'f' => {
                let st = pos;
                num(&mut pos, 6)?;
                us = parse_frac(&s[st..pos]);
            }
            'M' => mo = Some(name(&mut pos, &MONTHS, false)? + 1),
            'b' => mo = Some(name(&mut pos, &MONTHS, true)? + 1),
            'W' => {
                name(&mut pos, &DAYS, false)?;
            }
            'a' => {
                name(&mut pos, &DAYS, true)?;
            }
            'p' => {
                let r = s[pos..].to_ascii_uppercase();
                pm = Some(if r.starts_with("PM") {
                    true
                } else if r.starts_with("AM") {
                    false
                } else {
                    return None;
                });
                pos += 2;
            }
            'T' => {
                h = Some(num(&mut pos, 2)? as u32);
                (s[pos..].starts_with(':')).then_some(())?;
                pos += 1;
                mi = Some(num(&mut pos, 2)? as u32);
                (s[pos..].starts_with(':')).then_some(())?;
                pos += 1;
                se = Some(num(&mut pos, 2)? as u32);
            }
            '%' => {
                s[pos..].starts_with('%').then_some(())?;
                pos += 1;
            }
            _ => return None,
        }
    }
    if let (Some(p), Some(hh)) = (pm, h) {
        if hh == 0 || hh > 12 {
            return None;
        }
        h = Some(if p { hh % 12 + 12 } else { hh % 12 });
    }
    let has_date = y.is_some() || mo.is_some() || d.is_some();
    let has_time = h.is_some() || mi.is_some() || se.is_some() || us.is_some();
    let time = NaiveTime::from_hms_micro_opt(
        h.unwrap_or(0),
        mi.unwrap_or(0),
        se.unwrap_or(0),
        us.unwrap_or(0),
    )?;
    let frac = us.is_some();
    if !has_date {
        let t =
            time.num_seconds_from_midnight() as i64 * 1_000_000 + (time.nanosecond() / 1000) as i64;
        return Some(fmt_time(t, frac));
    }
    let date = NaiveDate::from_ymd_opt(y.unwrap_or(0), mo.unwrap_or(0), d.unwrap_or(0))?;
    Some(fmt_dt(&Dt {
        dt: date.and_time(time),
        date_only: !has_time,
        frac,
    }))
}

/// Adds `n` months, clamping the day to the month's last day.
fn add_months(dt: NaiveDateTime, n: i64) -> Option<NaiveDateTime> {
    let total = dt.year() as i64 * 12 + dt.month0() as i64 + n;
    let (y, m) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
    let y = i32::try_from(y).ok()?;
    let last = last_day(NaiveDate::from_ymd_opt(y, m, 1)?);
    let date = NaiveDate::from_ymd_opt(y, m, dt.day().min(last.day()))?;
    Some(date.and_time(dt.time()))
}

fn last_day(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|x| x.pred_opt())
        .unwrap_or(d)
}

/// The fields of a composite interval unit, largest first.
fn composite_fields(unit: &str) -> Option<&'static [&'static str]> {
    Some(match unit {
        "SECOND_MICROSECOND" => &["SECOND", "MICROSECOND"],
        "MINUTE_MICROSECOND" => &["MINUTE", "SECOND", "MICROSECOND"],
        "MINUTE_SECOND" => &["MINUTE", "SECOND"],
        "HOUR_MICROSECOND" => &["HOUR", "MINUTE", "SECOND", "MICROSECOND"],
        "HOUR_SECOND" => &["HOUR", "MINUTE", "SECOND"],
        "HOUR_MINUTE" => &["HOUR", "MINUTE"],
        "DAY_MICROSECOND" => &["DAY", "HOUR", "MINUTE", "SECOND", "MICROSECOND"],
        "DAY_SECOND" => &["DAY", "HOUR", "MINUTE", "SECOND"],
        "DAY_MINUTE" => &["DAY", "HOUR", "MINUTE"],
        "DAY_HOUR" => &["DAY", "HOUR"],
        "YEAR_MONTH" => &["YEAR", "MONTH"],
        _ => return None,
    })
}

/// DATE_ADD with the interval's amount as given (a number, or '1:30'-style text for composite
/// units, whose missing leading fields are zero); `neg` subtracts.
fn date_add_value(d: Dt, amount: &Value, unit: &str, neg: bool) -> Option<String> {
    let u = unit.trim().to_ascii_uppercase();
    let sign = if neg { -1 } else { 1 };
    if let Some(fields) = composite_fields(&u) {
        let text = to_str(amount)?;
        let t = text.trim();
        let (minus, body) = match t.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, t),
        };
        let groups: Vec<&str> = body
            .split(|c: char| !c.is_ascii_digit())
            .filter(|g| !g.is_empty())
            .collect();
        if groups.len() > fields.len() || groups.is_empty() {
            return None;
        }
        let pad = fields.len() - groups.len();
        let (mut months, mut us) = (0i64, 0i64);
        for (i, f) in fields.iter().enumerate() {
            let Some(g) = i.checked_sub(pad).map(|k| groups[k]) else {
                continue;
            };
            let v: i64 = if *f == "MICROSECOND" {
                // Fewer than six digits are a fraction: '1.5' is 500000 microseconds.
                format!("{:0<6}", &g[..g.len().min(6)]).parse().ok()?
            } else {
                g.parse().ok()?
            };
            match *f {
                "YEAR" => months += v.checked_mul(12)?,
                "MONTH" => months += v,
                "DAY" => us += v.checked_mul(86_400_000_000)?,
                "HOUR" => us += v.checked_mul(3_600_000_000)?,
                "MINUTE" => us += v.checked_mul(60_000_000)?,
                "SECOND" => us += v.checked_mul(1_000_000)?,
                _ => us += v,
            }
        }
        let s2 = if minus { -sign } else { sign };
        if u == "YEAR_MONTH" {
            return date_add(d, s2 * months, "MONTH");
        }
        let r = Dt {
            dt: d.dt.checked_add_signed(Duration::microseconds(s2 * us))?,
            date_only: false,
            frac: d.frac || fields.contains(&"MICROSECOND"),
        };
        if !(1000..=9999).contains(&r.dt.year()) {
            return None;
        }
        return Some(fmt_dt(&r));
    }
    if u == "SECOND" {
        if let Some(f) = to_f64(amount).filter(|f| f.fract() != 0.0) {
            let us = (f * 1e6).round() as i64 * sign;
            let r = Dt {
                dt: d.dt.checked_add_signed(Duration::microseconds(us))?,
                date_only: false,
                frac: true,
            };
            return Some(fmt_dt(&r));
        }
    }
    date_add(d, to_i64(amount)?.checked_mul(sign)?, &u)
}

fn date_add(d: Dt, n: i64, unit: &str) -> Option<String> {
    let unit = unit.trim().to_ascii_uppercase();
    let small = |us: i64| -> Option<Dt> {
        Some(Dt {
            dt: d.dt.checked_add_signed(Duration::microseconds(us))?,
            date_only: false,
            frac: d.frac || unit == "MICROSECOND",
        })
    };
    let r = match unit.as_str() {
        "MICROSECOND" => small(n)?,
        "SECOND" => small(n.checked_mul(1_000_000)?)?,
        "MINUTE" => small(n.checked_mul(60_000_000)?)?,
        "HOUR" => small(n.checked_mul(3_600_000_000)?)?,
        "DAY" => Dt {
            dt: d.dt.checked_add_signed(Duration::try_days(n)?)?,
            ..d
        },
        "WEEK" => Dt {
            dt: d
                .dt
                .checked_add_signed(Duration::try_days(n.checked_mul(7)?)?)?,
            ..d
        },
        "MONTH" => Dt {
            dt: add_months(d.dt, n)?,
            ..d
        },
        "QUARTER" => Dt {
            dt: add_months(d.dt, n.checked_mul(3)?)?,
            ..d
        },
        "YEAR" => Dt {
            dt: add_months(d.dt, n.checked_mul(12)?)?,
            ..d
        },
        _ => return None,
    };
    if !(1000..=9999).contains(&r.dt.year()) && r.dt.year() != 0 {
        return None;
    }
    Some(fmt_dt(&r))
}

fn timestampdiff(unit: &str, a: Dt, b: Dt) -> Option<i64> {
    let us = (b.dt - a.dt).num_microseconds()?;
    let months = || -> i64 {
        let (lo, hi, sign) = if b.dt >= a.dt {
            (a.dt, b.dt, 1)
        } else {
            (b.dt, a.dt, -1)
        };
        let mut m = (hi.year() as i64 * 12 + hi.month0() as i64)
            - (lo.year() as i64 * 12 + lo.month0() as i64);
        if (hi.day(), hi.time()) < (lo.day(), lo.time()) {
            m -= 1;
        }
        m * sign
    };
    Some(match unit.trim().to_ascii_uppercase().as_str() {
        "MICROSECOND" => us,
        "SECOND" => us / 1_000_000,
        "MINUTE" => us / 60_000_000,
        "HOUR" => us / 3_600_000_000,
        "DAY" => us / 86_400_000_000,
        "WEEK" => us / (7 * 86_400_000_000),
        "MONTH" => months(),
        "QUARTER" => months() / 3,
        "YEAR" => months() / 12,
        _ => return None,
    })
}

fn extract(unit: &str, v: &Value) -> Option<i64> {
    let u = unit.trim().to_ascii_uppercase();
    if let Some(d) = parse_dt(v) {
        let (dt, date) = (d.dt, d.dt.date());
        return Some(match u.as_str() {
            "YEAR" => date.year() as i64,
            "QUARTER" => (date.month0() / 3 + 1) as i64,
            "MONTH" => date.month() as i64,
            "WEEK" => calc_week(date, week_mode(0)).1,
            "DAY" => date.day() as i64,
            "HOUR" => dt.hour() as i64,
            "MINUTE" => dt.minute() as i64,
            "SECOND" => dt.second() as i64,
            "MICROSECOND" => (dt.nanosecond() / 1000) as i64,
            "YEAR_MONTH" => date.year() as i64 * 100 + date.month() as i64,
            "DAY_HOUR" => date.day() as i64 * 100 + dt.hour() as i64,
            "DAY_MINUTE" => (date.day() as i64 * 100 + dt.hour() as i64) * 100 + dt.minute() as i64,
            "DAY_SECOND" => {
                ((date.day() as i64 * 100 + dt.hour() as i64) * 100 + dt.minute() as i64) * 100
                    + dt.second() as i64
            }
            "HOUR_MINUTE" => dt.hour() as i64 * 100 + dt.minute() as i64,
            "HOUR_SECOND" => {
                (dt.hour() as i64 * 100 + dt.minute() as i64) * 100 + dt.second() as i64
            }
            "MINUTE_SECOND" => dt.minute() as i64 * 100 + dt.second() as i64,
            // The compounds down to microseconds: the same digits, then six more.
            "DAY_MICROSECOND" | "HOUR_MICROSECOND" | "MINUTE_MICROSECOND"
            | "SECOND_MICROSECOND" => {
                let (lead, _) = u.split_once('_').unwrap_or_default();
                let seconds = match lead {
                    "DAY" => {
                        ((date.day() as i64 * 100 + dt.hour() as i64) * 100 + dt.minute() as i64)
                            * 100
                    }
                    "HOUR" => (dt.hour() as i64 * 100 + dt.minute() as i64) * 100,
                    "MINUTE" => dt.minute() as i64 * 100,
                    _ => 0,
                } + dt.second() as i64;
                seconds * 1_000_000 + (dt.nanosecond() / 1000) as i64
            }
            _ => return None,
        });
    }
    let (us, _) = parse_time(v)?;
    let sign = if us < 0 { -1 } else { 1 };
    let a = us.abs();
    let secs = a / 1_000_000;
    Some(
        sign * match u.as_str() {
            "HOUR" => secs / 3600,
            "MINUTE" => secs / 60 % 60,
            "SECOND" => secs % 60,
            "MICROSECOND" => a % 1_000_000,
            "HOUR_MINUTE" => secs / 3600 * 100 + secs / 60 % 60,
            "HOUR_SECOND" => (secs / 3600 * 100 + secs / 60 % 60) * 100 + secs % 60,
            "MINUTE_SECOND" => secs / 60 % 60 * 100 + secs % 60,
            "HOUR_MICROSECOND" => {
                ((secs / 3600 * 100 + secs / 60 % 60) * 100 + secs % 60) * 1_000_000 + a % 1_000_000
            }
            "MINUTE_MICROSECOND" => (secs / 60 % 60 * 100 + secs % 60) * 1_000_000 + a % 1_000_000,
            "SECOND_MICROSECOND" => secs % 60 * 1_000_000 + a % 1_000_000,
            _ => return None,
        },
    )
}

fn date_part(a: &[Value], f: fn(NaiveDateTime) -> i64) -> R {
    Ok(int(parse_dt(&a[0]).map(|d| f(d.dt))))
}

fn time_part(a: &[Value], f: fn(i64) -> i64) -> R {
    Ok(int(parse_time(&a[0]).map(|(us, _)| f(us))))
}

fn s(a: &[Value], i: usize) -> String {
    a.get(i).and_then(to_str).unwrap_or_default()
}

/// Registers the date and time functions.
pub(crate) fn register(conn: &Connection, ctx: &Context) -> rusqlite::Result<()> {
    let now = ctx.now.clone();
    let n2 = now.clone();
    let now_fn = move |a: &[Value]| -> R {
        check_args(a, "now", 0, 1)?;
        let fsp = a.first().and_then(to_i64).unwrap_or(0);
        if !(0..=6).contains(&fsp) {
            return Err(format!(
                "1426: Too-big precision {fsp} specified for 'now'. Maximum is 6."
            ));
        }
        let t = n2();
        let mut out = t.format("%Y-%m-%d %H:%M:%S").to_string();
        if fsp > 0 {
            let f = format!("{:06}", t.nanosecond() / 1000);
            out.push('.');
            out.push_str(&f[..fsp as usize]);
        }
        Ok(Value::Text(out))
    };
    reg_names(
        conn,
        &[
            "now",
            "current_timestamp",
            "sysdate",
            "localtime",
            "localtimestamp",
            "utc_timestamp",
        ],
        -1,
        false,
        now_fn,
    )?;
    let n3 = now.clone();
    reg_names(
        conn,
        &["curdate", "current_date", "utc_date"],
        0,
        false,
        move |_| Ok(Value::Text(n3().format("%Y-%m-%d").to_string())),
    )?;
    let n4 = now.clone();
    reg_names(
        conn,
        &["curtime", "current_time", "utc_time"],
        -1,
        false,
        move |a| {
            check_args(a, "curtime", 0, 1)?;
            let fsp = a.first().and_then(to_i64).unwrap_or(0).clamp(0, 6) as usize;
            let t = n4();
            let mut out = t.format("%H:%M:%S").to_string();
            if fsp > 0 {
                out.push('.');
                out.push_str(&format!("{:06}", t.nanosecond() / 1000)[..fsp]);
            }
            Ok(Value::Text(out))
        },
    )?;
    let n5 = now.clone();
    reg(conn, "unix_timestamp", -1, false, move |a| {
        check_args(a, "unix_timestamp", 0, 1)?;
        match a.first() {
            None => Ok(Value::Integer(n5().and_utc().timestamp())),
            Some(v) => {
                let Some(d) = parse_dt(v) else {
                    return Ok(Value::Null);
                };
                let t = d.dt.and_utc();
                if t.timestamp() < 0 {
                    return Ok(Value::Integer(0));
                }
                let digits = frac_digits(v);
                if d.frac || digits > 0 {
                    // As many digits as the argument gave (MySQL's scale of the result).
                    let micros = format!("{:06}", t.timestamp_subsec_micros());
                    Ok(Value::Text(format!(
                        "{}.{}",
                        t.timestamp(),
                        &micros[..digits.clamp(1, 6)]
                    )))
                } else {
                    Ok(Value::Integer(t.timestamp()))
                }
            }
        }
    })?;
    reg(conn, "convert_tz", 3, true, |a| {
        if any_null(a) {
            return Ok(Value::Null);
        }
        let (Some(d), Some(from), Some(to)) = (
            parse_dt(&a[0]),
            to_str(&a[1]).and_then(|z| tz_offset(&z)),
            to_str(&a[2]).and_then(|z| tz_offset(&z)),
        ) else {
            return Ok(Value::Null);
        };
        let t = d.dt - Duration::seconds(from) + Duration::seconds(to);
        let mut out = t.format("%Y-%m-%d %H:%M:%S").to_string();
        let digits = frac_digits(&a[0]);
        if digits > 0 {
            let micros = format!("{:06}", t.nanosecond() / 1000);
            out.push('.');
            out.push_str(&micros[..digits]);
        }
        Ok(Value::Text(out))
    })?;
    reg(conn, "from_unixtime", -1, true, |a| {
        check_args(a, "from_unixtime", 1, 2)?;
        if any_null(a) {
            return Ok(Value::Null);
        }
        let (secs, micros, frac) = match &a[0] {
            Value::Integer(i) => (*i, 0, false),
            v => {
                let f = to_f64(v).unwrap_or(0.0);
                let us = (f * 1e6).round() as i64;
                (
                    us.div_euclid(1_000_000),
                    us.rem_euclid(1_000_000),
                    f.fract() != 0.0,
                )
            }
        };
        if secs < 0 {
            return Ok(Value::Null);
        }
        let Some(t) = chrono::DateTime::from_timestamp(secs, (micros * 1000) as u32) else {
            return Ok(Value::Null);
        };
        let dt = t.naive_utc();
        if a.len() == 2 {
            return Ok(Value::Text(date_format(dt, &s(a, 1))));
        }
        Ok(Value::Text(fmt_dt(&Dt {
            dt,
            date_only: false,
            frac,
        })))
    })?;
    reg(conn, "mysql_date", 1, true, |a| {
        Ok(text(
            parse_dt(&a[0]).map(|d| d.dt.format("%Y-%m-%d").to_string()),
        ))
    })?;
    reg(conn, "mysql_time", 1, true, |a| {
        Ok(text(parse_time(&a[0]).map(|(us, f)| fmt_time(us, f))))
    })?;
    reg(conn, "year", 1, true, |a| date_part(a, |d| d.year() as i64))?;
    reg(conn, "month", 1, true, |a| {
        date_part(a, |d| d.month() as i64)
    })?;
    reg_names(conn, &["day", "dayofmonth"], 1, true, |a| {
        date_part(a, |d| d.day() as i64)
    })?;
    reg(conn, "hour", 1, true, |a| {
        time_part(a, |us| us.abs() / 3_600_000_000)
    })?;
    reg(conn, "minute", 1, true, |a| {
        time_part(a, |us| us.abs() / 60_000_000 % 60)
    })?;
    reg(conn, "second", 1, true, |a| {
        time_part(a, |us| us.abs() / 1_000_000 % 60)
    })?;
    reg(conn, "microsecond", 1, true, |a| {
        time_part(a, |us| us.abs() % 1_000_000)
    })?;
    reg(conn, "dayofweek", 1, true, |a| {
        date_part(a, |d| d.weekday().num_days_from_sunday() as i64 + 1)
    })?;
    reg(conn, "weekday", 1, true, |a| {
        date_part(a, |d| d.weekday().num_days_from_monday() as i64)
    })?;
    reg(conn, "dayofyear", 1, true, |a| {
        date_part(a, |d| d.ordinal() as i64)
    })?;
    reg(conn, "quarter", 1, true, |a| {
        date_part(a, |d| (d.month0() / 3 + 1) as i64)
    })?;
    reg(conn, "to_days", 1, true, |a| {
        date_part(a, |d| to_days(d.date()))
    })?;
    reg(conn, "week", -1, true, |a| {
        check_args(a, "week", 1, 2)?;
        let mode = match a.get(1) {
            Some(Value::Null) => return Ok(Value::Null),
            Some(m) => to_i64(m).unwrap_or(0),
            None => 0,
        };
        Ok(int(
            parse_dt(&a[0]).map(|d| calc_week(d.dt.date(), week_mode(mode)).1)
        ))
    })?;
    reg(conn, "yearweek", -1, true, |a| {
        check_args(a, "yearweek", 1, 2)?;
        let mode = a.get(1).and_then(to_i64).unwrap_or(0);
        Ok(int(parse_dt(&a[0]).map(|d| {
            let (y, w) = calc_week(d.dt.date(), week_mode(mode) | 2);
            y as i64 * 100 + w
        })))
    })?;
    reg(conn, "weekofyear", 1, true, |a| {
        Ok(int(
            parse_dt(&a[0]).map(|d| calc_week(d.dt.date(), week_mode(3)).1)
        ))
    })?;
    reg(conn, "dayname", 1, true, |a| {
        Ok(text(parse_dt(&a[0]).map(|d| {
            DAYS[d.dt.weekday().num_days_from_monday() as usize].to_string()
        })))
    })?;
    reg(conn, "monthname", 1, true, |a| {
        Ok(text(
            parse_dt(&a[0]).map(|d| MONTHS[d.dt.month0() as usize].to_string()),
        ))
    })?;
    reg(conn, "last_day", 1, true, |a| {
        Ok(text(parse_dt(&a[0]).map(|d| {
            last_day(d.dt.date()).format("%Y-%m-%d").to_string()
        })))
    })?;
    reg(conn, "date_format", 2, true, |a| {
        if any_null(a) {
            return Ok(Value::Null);
        }
        Ok(text(parse_dt(&a[0]).map(|d| date_format(d.dt, &s(a, 1)))))
    })?;
    reg(conn, "time_format", 2, true, |a| {
        if any_null(a) {
            return Ok(Value::Null);
        }
        Ok(text(
            parse_time(&a[0]).and_then(|(us, _)| time_format(us, &s(a, 1))),
        ))
    })?;
    reg(conn, "str_to_date", 2, true, |a| {
        if any_null(a) {
            return Ok(Value::Null);
        }
        Ok(text(str_to_date(&s(a, 0), &s(a, 1))))
    })?;
    reg(conn, "datediff", 2, true, |a| {
        match (parse_dt(&a[0]), parse_dt(&a[1])) {
            (Some(x), Some(y)) => Ok(Value::Integer(to_days(x.dt.date()) - to_days(y.dt.date()))),
            _ => Ok(Value::Null),
        }
    })?;
    reg(conn, "timediff", 2, true, |a| {
        if any_null(a) {
            return Ok(Value::Null);
        }
        match (parse_dt(&a[0]), parse_dt(&a[1])) {
            (Some(x), Some(y)) if !x.date_only && !y.date_only => {
                let us = (x.dt - y.dt).num_microseconds();
                return Ok(text(us.map(|us| fmt_time(us, x.frac || y.frac))));
            }
            (Some(_), _) | (_, Some(_)) => return Ok(Value::Null),
            _ => {}
        }
        match (parse_time(&a[0]), parse_time(&a[1])) {
            (Some((x, fx)), Some((y, fy))) => Ok(Value::Text(fmt_time(x - y, fx || fy))),
            _ => Ok(Value::Null),
        }
    })?;
    reg(conn, "timestampdiff", 3, true, |a| {
        if any_null(a) {
            return Ok(Value::Null);
        }
        match (parse_dt(&a[1]), parse_dt(&a[2])) {
            (Some(x), Some(y)) => Ok(int(timestampdiff(&s(a, 0), x, y))),
            _ => Ok(Value::Null),
        }
    })?;
    reg(conn, "timestampadd", 3, true, |a| {
        if any_null(a) {
            return Ok(Value::Null);
        }
        let Some(d) = parse_dt(&a[2]) else {
            return Ok(Value::Null);
        };
        Ok(text(date_add_value(d, &a[1], &s(a, 0), false)))
    })?;
    reg(conn, "mysql_date_add", 3, true, |a| {
        if any_null(a) {
            return Ok(Value::Null);
        }
        let Some(d) = parse_dt(&a[0]) else {
            return Ok(Value::Null);
        };
        Ok(text(date_add_value(d, &a[1], &s(a, 2), false)))
    })?;
    reg(conn, "mysql_date_sub", 3, true, |a| {
        if any_null(a) {
            return Ok(Value::Null);
        }
        let Some(d) = parse_dt(&a[0]) else {
            return Ok(Value::Null);
        };
        Ok(text(date_add_value(d, &a[1], &s(a, 2), true)))
    })?;
    reg(conn, "mysql_extract", 2, true, |a| {
        if any_null(a) {
            return Ok(Value::Null);
        }
        Ok(int(extract(&s(a, 0), &a[1])))
    })?;
    // TIMESTAMP(expr[, time]) and ADDTIME / SUBTIME: a datetime (or time) plus a TIME.
    let add_time = |base: &Value, t: &Value, sign: i64| -> Option<String> {
        let (us, tf) = parse_time(t)?;
        let us = us.checked_mul(sign)?;
        match parse_dt(base) {
            Some(d) if !d.date_only || sign == 0 => {
                let dt = d.dt.checked_add_signed(Duration::microseconds(us))?;
                Some(fmt_dt(&Dt {
                    dt,
                    date_only: false,
                    frac: d.frac || tf,
                }))
            }
            _ => {
                let (b, bf) = parse_time(base)?;
                Some(fmt_time(b.checked_add(us)?, bf || tf))
            }
        }
    };
    reg(conn, "mysql_timestamp", -1, true, move |a| {
        check_args(a, "timestamp", 1, 2)?;
        if any_null(a) {
            return Ok(Value::Null);
        }
        let Some(d) = parse_dt(&a[0]) else {
            return Ok(Value::Null);
        };
        let d = Dt {
            date_only: false,
            ..d
        };
        if a.len() == 1 {
            return Ok(Value::Text(fmt_dt(&d)));
        }
        let Some((us, tf)) = parse_time(&a[1]) else {
            return Ok(Value::Null);
        };
        Ok(text(
            d.dt.checked_add_signed(Duration::microseconds(us))
                .map(|dt| {
                    fmt_dt(&Dt {
                        dt,
                        date_only: false,
                        frac: d.frac || tf,
                    })
                }),
        ))
    })?;
    reg(conn, "addtime", 2, true, move |a| {
        if any_null(a) {
            return Ok(Value::Null);
        }
        Ok(text(add_time(&a[0], &a[1], 1)))
    })?;
    reg(conn, "subtime", 2, true, move |a| {
        if any_null(a) {
            return Ok(Value::Null);
        }
        Ok(text(add_time(&a[0], &a[1], -1)))
    })?;
    reg(conn, "makedate", 2, true, |a| {
        if any_null(a) {
            return Ok(Value::Null);
        }
        let (y, n) = (to_i64(&a[0]).unwrap_or(0), to_i64(&a[1]).unwrap_or(0));
        if n <= 0 || !(0..=9999).contains(&y) {
            return Ok(Value::Null);
        }
        let d = NaiveDate::from_ymd_opt(y as i32, 1, 1)
            .and_then(|d| d.checked_add_signed(Duration::try_days(n - 1)?));
        Ok(text(
            d.filter(|d| d.year() <= 9999)
                .map(|d| d.format("%Y-%m-%d").to_string()),
        ))
    })?;
    reg(conn, "maketime", 3, true, |a| {
        if any_null(a) {
            return Ok(Value::Null);
        }
        let (h, m) = (to_i64(&a[0]).unwrap_or(0), to_i64(&a[1]).unwrap_or(0));
        let sec = to_f64(&a[2]).unwrap_or(0.0);
        if !(0..=59).contains(&m) || !(0.0..60.0).contains(&sec) {
            return Ok(Value::Null);
        }
        let frac = sec.fract() != 0.0;
        let us = ((h.abs().min(839) * 3600 + m * 60) * 1_000_000 + (sec * 1e6).round() as i64)
            * if h < 0 { -1 } else { 1 };
        Ok(Value::Text(fmt_time(us, frac)))
    })?;
    reg(conn, "sec_to_time", 1, true, |a| {
        Ok(match &a[0] {
            Value::Null => Value::Null,
            Value::Integer(i) => Value::Text(fmt_time(i.saturating_mul(1_000_000), false)),
            v => {
                let f = to_f64(v).unwrap_or(0.0);
                Value::Text(fmt_time((f * 1e6).round() as i64, f.fract() != 0.0))
            }
        })
    })?;
    reg(conn, "time_to_sec", 1, true, |a| {
        Ok(int(parse_time(&a[0]).map(|(us, _)| us / 1_000_000)))
    })?;
    reg(conn, "from_days", 1, true, |a| {
        let Some(n) = to_i64(&a[0]) else {
            return Ok(Value::Null);
        };
        if n < 366 {
            return Ok(Value::Text("0000-00-00".to_string()));
        }
        Ok(text(
            i32::try_from(n - 365)
                .ok()
                .and_then(NaiveDate::from_num_days_from_ce_opt)
                .filter(|d| d.year() <= 9999)
                .map(|d| d.format("%Y-%m-%d").to_string()),
        ))
    })?;
    Ok(())
}
