//! Date and time functions against MySQL 8.0's documented results (session time zone UTC).
mod common;
use common::*;

#[test]
fn date_format_specifiers() {
    let c = conn();
    assert_eq!(
        s(&c, "date_format('2009-10-04 22:23:00', '%W %M %Y')"),
        "Sunday October 2009"
    );
    assert_eq!(
        s(&c, "date_format('2007-10-04 22:23:00', '%H:%i:%s')"),
        "22:23:00"
    );
    assert_eq!(
        s(
            &c,
            "date_format('1900-10-04 22:23:00', '%D %y %a %d %m %b %j')"
        ),
        "4th 00 Thu 04 10 Oct 277"
    );
    assert_eq!(
        s(
            &c,
            "date_format('1997-10-04 22:23:00', '%H %k %I %r %T %S %w')"
        ),
        "22 22 10 10:23:00 PM 22:23:00 00 6"
    );
    assert_eq!(s(&c, "date_format('1999-01-01', '%X %V')"), "1998 52");
    assert_eq!(
        s(
            &c,
            "date_format('2024-03-05 07:08:09.123456', '%e %c %l %p %f %h %i')"
        ),
        "5 3 7 AM 123456 07 08"
    );
    assert_eq!(
        s(&c, "date_format('2024-01-01', '%U %u %v %x')"),
        "00 01 01 2024"
    );
    assert_eq!(s(&c, "date_format('2024-01-07', '%U %u')"), "01 01");
    assert_eq!(s(&c, "date_format('2024-03-22', '%D %D')"), "22nd 22nd");
    assert_eq!(s(&c, "date_format('2024-03-11', '%D')"), "11th");
    assert_eq!(s(&c, "date_format('2024-03-05', '%% %q')"), "% q");
    assert_eq!(s(&c, "date_format(NULL, '%Y')"), "NULL");
    assert_eq!(s(&c, "date_format('not a date', '%Y')"), "NULL");
    assert_eq!(
        s(&c, "time_format('100:00:00', '%H %k %h %I %l')"),
        "100 100 04 04 4"
    );
}

#[test]
fn str_to_date_forms() {
    let c = conn();
    assert_eq!(s(&c, "str_to_date('01,5,2013', '%d,%m,%Y')"), "2013-05-01");
    assert_eq!(
        s(&c, "str_to_date('May 1, 2013', '%M %d,%Y')"),
        "2013-05-01"
    );
    assert_eq!(s(&c, "str_to_date('a09:30:17', 'a%h:%i:%s')"), "09:30:17");
    assert_eq!(s(&c, "str_to_date('09:30:17a', '%h:%i:%s')"), "09:30:17");
    assert_eq!(s(&c, "str_to_date('a09:30:17', '%h:%i:%s')"), "NULL");
    assert_eq!(
        s(
            &c,
            "str_to_date('2013-05-01 10:11:12', '%Y-%m-%d %H:%i:%s')"
        ),
        "2013-05-01 10:11:12"
    );
    assert_eq!(
        s(&c, "str_to_date('9/7/2024 3:04 PM', '%c/%e/%Y %l:%i %p')"),
        "2024-09-07 15:04:00"
    );
    assert_eq!(s(&c, "str_to_date('2024-02-30', '%Y-%m-%d')"), "NULL");
}

#[test]
fn date_add_sub_units() {
    let c = conn();
    assert_eq!(
        s(&c, "mysql_date_add('2018-05-01', 1, 'DAY')"),
        "2018-05-02"
    );
    assert_eq!(
        s(&c, "mysql_date_sub('2018-05-01', 1, 'YEAR')"),
        "2017-05-01"
    );
    assert_eq!(
        s(&c, "mysql_date_add('2020-12-31 23:59:59', 1, 'SECOND')"),
        "2021-01-01 00:00:00"
    );
    assert_eq!(
        s(&c, "mysql_date_add('2018-12-31 23:59:59', 1, 'DAY')"),
        "2019-01-01 23:59:59"
    );
    assert_eq!(
        s(
            &c,
            "mysql_date_add('2100-12-31 23:59:59', '1:1', 'MINUTE_SECOND')"
        ),
        "2101-01-01 00:01:00"
    );
    assert_eq!(
        s(
            &c,
            "mysql_date_sub('2025-01-01 00:00:00', '1 1:1:1', 'DAY_SECOND')"
        ),
        "2024-12-30 22:58:59"
    );
    assert_eq!(
        s(
            &c,
            "mysql_date_add('1900-01-01 00:00:00', '-1 10', 'DAY_HOUR')"
        ),
        "1899-12-30 14:00:00"
    );
    assert_eq!(
        s(&c, "mysql_date_sub('1998-01-02', 31, 'DAY')"),
        "1997-12-02"
    );
    assert_eq!(
        s(
            &c,
            "mysql_date_add('1992-12-31 23:59:59.000002', '1.999999', 'SECOND_MICROSECOND')"
        ),
        "1993-01-01 00:00:01.000001"
    );
    assert_eq!(
        s(&c, "mysql_date_add('2024-01-31', 1, 'MONTH')"),
        "2024-02-29"
    );
    assert_eq!(
        s(&c, "mysql_date_add('2024-01-01', 1, 'HOUR')"),
        "2024-01-01 01:00:00"
    );
    assert_eq!(
        s(&c, "mysql_date_add('2024-01-01', 2, 'WEEK')"),
        "2024-01-15"
    );
    assert_eq!(
        s(&c, "mysql_date_add('2024-01-01', 1, 'QUARTER')"),
        "2024-04-01"
    );
    assert_eq!(
        s(&c, "mysql_date_add('2024-01-01', '1-2', 'YEAR_MONTH')"),
        "2025-03-01"
    );
    assert_eq!(
        s(&c, "mysql_date_add('2024-01-01', 1, 'day')"),
        "2024-01-02"
    );
    assert_eq!(s(&c, "mysql_date_add('2024-02-30', 1, 'DAY')"), "NULL");
    assert_eq!(s(&c, "mysql_date_add(NULL, 1, 'DAY')"), "NULL");
    assert_eq!(
        s(&c, "timestampadd('MINUTE', 1, '2003-01-02')"),
        "2003-01-02 00:01:00"
    );
    assert_eq!(s(&c, "timestampadd('WEEK', 1, '2003-01-02')"), "2003-01-09");
}

#[test]
fn differences() {
    let c = conn();
    assert_eq!(
        i(&c, "timestampdiff('MONTH', '2003-02-01', '2003-05-01')"),
        3
    );
    assert_eq!(
        i(&c, "timestampdiff('YEAR', '2002-05-01', '2001-01-01')"),
        -1
    );
    assert_eq!(
        i(
            &c,
            "timestampdiff('MINUTE', '2003-02-01', '2003-05-01 12:05:55')"
        ),
        128885
    );
    assert_eq!(
        i(&c, "timestampdiff('MONTH', '2024-01-31', '2024-02-29')"),
        0
    );
    assert_eq!(
        i(
            &c,
            "timestampdiff('DAY', '2024-01-01 12:00:00', '2024-01-03 11:59:59')"
        ),
        1
    );
    assert_eq!(i(&c, "datediff('2007-12-31 23:59:59', '2007-12-30')"), 1);
    assert_eq!(i(&c, "datediff('2010-11-30 23:59:59', '2010-12-31')"), -31);
    assert_eq!(
        s(
            &c,
            "timediff('2000-01-01 00:00:00', '2000-01-01 00:00:00.000001')"
        ),
        "-00:00:00.000001"
    );
    assert_eq!(
        s(
            &c,
            "timediff('2008-12-31 23:59:59.000001', '2008-12-30 01:01:01.000002')"
        ),
        "46:58:57.999999"
    );
}

#[test]
fn extract_and_parts() {
    let c = conn();
    assert_eq!(i(&c, "mysql_extract('YEAR', '2019-07-02')"), 2019);
    assert_eq!(
        i(&c, "mysql_extract('YEAR_MONTH', '2019-07-02 01:02:03')"),
        201907
    );
    assert_eq!(
        i(&c, "mysql_extract('DAY_MINUTE', '2019-07-02 01:02:03')"),
        20102
    );
    assert_eq!(
        i(
            &c,
            "mysql_extract('MICROSECOND', '2003-01-02 10:30:00.000123')"
        ),
        123
    );
    assert_eq!(i(&c, "mysql_extract('QUARTER', '2019-07-02')"), 3);
    assert_eq!(i(&c, "mysql_extract('HOUR', '10:05:03')"), 10);
    assert_eq!(i(&c, "year('1987-01-01')"), 1987);
    assert_eq!(i(&c, "month('2008-02-03')"), 2);
    assert_eq!(i(&c, "day('2007-02-03')"), 3);
    assert_eq!(i(&c, "dayofmonth('2007-02-03')"), 3);
    assert_eq!(i(&c, "hour('10:05:03')"), 10);
    assert_eq!(i(&c, "hour('272:59:59')"), 272);
    assert_eq!(i(&c, "hour('101112')"), 10);
    assert_eq!(i(&c, "minute(101112)"), 11);
    assert_eq!(i(&c, "hour('2024/01/31 10:11:12')"), 10);
    assert_eq!(i(&c, "year('2024/01/31 10:11:12')"), 2024);
    assert_eq!(i(&c, "month(20240131)"), 1);
    assert_eq!(i(&c, "minute('2008-02-03 10:05:03')"), 5);
    assert_eq!(i(&c, "second('10:05:03')"), 3);
    assert_eq!(i(&c, "microsecond('12:00:00.123456')"), 123456);
    assert_eq!(i(&c, "dayofyear('2007-02-03')"), 34);
    assert_eq!(i(&c, "quarter('2008-04-01')"), 2);
    assert_eq!(i(&c, "week('2008-02-20')"), 7);
    assert_eq!(i(&c, "week('2008-02-20', 1)"), 8);
    assert_eq!(i(&c, "week('2008-12-31', 1)"), 53);
    assert_eq!(i(&c, "yearweek('1987-01-01')"), 198652);
    assert_eq!(i(&c, "weekofyear('2008-02-20')"), 8);
    assert_eq!(i(&c, "to_days('2007-10-07')"), 733321);
    assert_eq!(s(&c, "from_days(730669)"), "2000-07-03");
    assert_eq!(s(&c, "year(NULL)"), "NULL");
}

#[test]
fn date_and_calendar() {
    let c = conn();
    assert_eq!(s(&c, "mysql_date('2003-12-31 01:02:03')"), "2003-12-31");
    assert_eq!(s(&c, "mysql_date('20031231')"), "2003-12-31");
    assert_eq!(s(&c, "mysql_time('2003-12-31 01:02:03')"), "01:02:03");
    assert_eq!(
        s(&c, "mysql_time('2003-12-31 01:02:03.000123')"),
        "01:02:03.000123"
    );
    assert_eq!(s(&c, "last_day('2003-02-05')"), "2003-02-28");
    assert_eq!(s(&c, "last_day('2004-02-05')"), "2004-02-29");
    assert_eq!(s(&c, "last_day('2004-01-01 01:01:01')"), "2004-01-31");
    assert_eq!(s(&c, "last_day('2003-03-32')"), "NULL");
    assert_eq!(i(&c, "dayofweek('2007-02-03')"), 7);
    assert_eq!(i(&c, "weekday('2008-02-03 22:23:00')"), 6);
    assert_eq!(i(&c, "weekday('2007-11-06')"), 1);
    assert_eq!(s(&c, "dayname('2007-02-03')"), "Saturday");
    assert_eq!(s(&c, "monthname('2008-02-03')"), "February");
    assert_eq!(s(&c, "makedate(2011, 32)"), "2011-02-01");
    assert_eq!(s(&c, "makedate(2011, 0)"), "NULL");
    assert_eq!(s(&c, "maketime(12, 15, 30)"), "12:15:30");
    assert_eq!(s(&c, "sec_to_time(2378)"), "00:39:38");
    assert_eq!(i(&c, "time_to_sec('22:23:00')"), 80580);
}

#[test]
fn unix_time() {
    let c = conn();
    assert_eq!(i(&c, "unix_timestamp('2015-11-13 10:20:19')"), 1447410019);
    assert_eq!(i(&c, "unix_timestamp('1970-01-01')"), 0);
    // As many fractional digits as the argument has (MySQL's manual: ...19.012 gives .012).
    assert_eq!(
        s(&c, "unix_timestamp('2015-11-13 10:20:19.012')"),
        "1447410019.012"
    );
    assert_eq!(i(&c, "unix_timestamp()"), 1710498030);
    assert_eq!(s(&c, "from_unixtime(1447430881)"), "2015-11-13 16:08:01");
    assert_eq!(
        s(&c, "from_unixtime(1447430881, '%Y %D %M %h:%i:%s %x')"),
        "2015 13th November 04:08:01 2015"
    );
    assert_eq!(s(&c, "from_unixtime(0)"), "1970-01-01 00:00:00");
    assert_eq!(s(&c, "from_unixtime(-1)"), "NULL");
}

#[test]
fn clock_from_context() {
    let c = conn();
    assert_eq!(s(&c, "now()"), "2024-03-15 10:20:30");
    assert_eq!(s(&c, "now(3)"), "2024-03-15 10:20:30.123");
    assert_eq!(s(&c, "now(6)"), "2024-03-15 10:20:30.123456");
    assert_eq!(s(&c, "sysdate()"), "2024-03-15 10:20:30");
    assert_eq!(s(&c, "curdate()"), "2024-03-15");
    assert_eq!(s(&c, "curtime()"), "10:20:30");
    assert_eq!(s(&c, "curtime(2)"), "10:20:30.12");
    assert!(err(&c, "now(7)").starts_with("1426: Too-big precision 7"));
}

#[test]
fn timestamp_addtime_subtime() {
    let c = conn();
    assert_eq!(
        s(&c, "mysql_timestamp('2003-12-31')"),
        "2003-12-31 00:00:00"
    );
    assert_eq!(
        s(&c, "mysql_timestamp('2003-12-31 12:00:00', '12:00:00')"),
        "2004-01-01 00:00:00"
    );
    assert_eq!(
        s(
            &c,
            "addtime('2007-12-31 23:59:59.999999', '1 1:1:1.000002')"
        ),
        "2008-01-02 01:01:01.000001"
    );
    assert_eq!(
        s(&c, "addtime('01:00:00.999999', '02:00:00.999998')"),
        "03:00:01.999997"
    );
    assert_eq!(
        s(
            &c,
            "subtime('2007-12-31 23:59:59.999999', '1 1:1:1.000002')"
        ),
        "2007-12-30 22:58:58.999997"
    );
    assert_eq!(
        s(&c, "subtime('01:00:00.999999', '02:00:00.999998')"),
        "-00:59:59.999999"
    );
}
