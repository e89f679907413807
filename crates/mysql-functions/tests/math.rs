//! Arithmetic against MySQL 8.0's documented results.
mod common;
use common::*;

#[test]
fn round_half_away_from_zero() {
    let c = conn();
    assert_close(f(&c, "mysql_round(-1.23)"), -1.0);
    assert_close(f(&c, "mysql_round(-1.58)"), -2.0);
    assert_close(f(&c, "mysql_round(1.58)"), 2.0);
    assert_close(f(&c, "mysql_round(1.298, 1)"), 1.3);
    assert_close(f(&c, "mysql_round(1.298, 0)"), 1.0);
    assert_close(f(&c, "mysql_round(23.298, -1)"), 20.0);
    assert_close(f(&c, "mysql_round(2.5)"), 3.0);
    assert_close(f(&c, "mysql_round(-2.5)"), -3.0);
    assert_close(f(&c, "mysql_round(2.675, 2)"), 2.68);
    assert_close(f(&c, "mysql_round(0.125, 2)"), 0.13);
    assert_eq!(i(&c, "mysql_round(125, -1)"), 130);
    assert_eq!(i(&c, "mysql_round(-125, -1)"), -130);
    assert_eq!(i(&c, "mysql_round(7)"), 7);
    assert_close(f(&c, "mysql_round('1.25', 1)"), 1.3);
    assert_eq!(s(&c, "mysql_round(NULL)"), "NULL");
}

#[test]
fn truncate_mod_div() {
    let c = conn();
    assert_close(f(&c, "truncate(1.223, 1)"), 1.2);
    assert_close(f(&c, "truncate(1.999, 1)"), 1.9);
    assert_close(f(&c, "truncate(1.999, 0)"), 1.0);
    assert_close(f(&c, "truncate(-1.999, 1)"), -1.9);
    assert_eq!(i(&c, "truncate(122, -2)"), 100);
    assert_eq!(i(&c, "mysql_mod(234, 10)"), 4);
    assert_eq!(i(&c, "mysql_mod(253, 7)"), 1);
    assert_eq!(i(&c, "mysql_mod(29, 9)"), 2);
    assert_eq!(i(&c, "mysql_mod(-5, 3)"), -2);
    assert_eq!(i(&c, "mysql_mod(5, -3)"), 2);
    assert_close(f(&c, "mysql_mod(34.5, 3)"), 1.5);
    assert_eq!(s(&c, "mysql_mod(5, 0)"), "NULL");
    assert_close(f(&c, "mysql_div(1, 3)"), 0.3333);
    // Inside more arithmetic: whole 9-digit groups, truncated.
    assert_close(f(&c, "mysql_div_inner(1, 3)"), 0.333333333);
    assert_close(f(&c, "mysql_div_inner(2, 3)"), 0.666666666);
    assert_close(f(&c, "mysql_div_inner(1.5, 7)"), 0.214285714);
    assert_close(f(&c, "mysql_div(10, 4)"), 2.5);
    assert_close(f(&c, "mysql_div(2, 3)"), 0.6667);
    assert_close(f(&c, "mysql_div(1.5, 2)"), 0.75);
    assert_eq!(s(&c, "mysql_div(1, 0)"), "NULL");
    assert_eq!(s(&c, "mysql_div(1.5, 0.0)"), "NULL");
    assert_eq!(s(&c, "mysql_div(NULL, 2)"), "NULL");
    assert_eq!(i(&c, "mysql_intdiv(5, 2)"), 2);
    assert_eq!(i(&c, "mysql_intdiv(-5, 2)"), -2);
    assert_eq!(i(&c, "mysql_intdiv(5.5, 2)"), 2);
    assert_eq!(s(&c, "mysql_intdiv(5, 0)"), "NULL");
}

#[test]
fn ceil_floor_pow_sqrt_log() {
    let c = conn();
    assert_eq!(i(&c, "ceil(1.23)"), 2);
    assert_eq!(i(&c, "ceiling(-1.23)"), -1);
    assert_eq!(i(&c, "floor(1.23)"), 1);
    assert_eq!(i(&c, "floor(-1.23)"), -2);
    assert_eq!(i(&c, "floor(5)"), 5);
    assert_close(f(&c, "pow(2, 2)"), 4.0);
    assert_close(f(&c, "power(2, -2)"), 0.25);
    assert_close(f(&c, "sqrt(4)"), 2.0);
    assert_close(f(&c, "sqrt(20)"), 4.47213595499958);
    assert_eq!(s(&c, "sqrt(-16)"), "NULL");
    assert_close(f(&c, "mysql_log(2)"), std::f64::consts::LN_2);
    assert_eq!(s(&c, "mysql_log(-2)"), "NULL");
    assert_eq!(s(&c, "mysql_log(0)"), "NULL");
    assert_close(f(&c, "mysql_log(2, 65536)"), 16.0);
    assert_close(f(&c, "mysql_log(10, 100)"), 2.0);
    assert_eq!(s(&c, "mysql_log(1, 100)"), "NULL");
    assert_close(f(&c, "ln(2)"), std::f64::consts::LN_2);
    assert_close(f(&c, "log2(65536)"), 16.0);
    assert_close(f(&c, "log10(100)"), 2.0);
    assert_close(f(&c, "exp(0)"), 1.0);
    assert_close(f(&c, "pi()"), std::f64::consts::PI);
    assert_eq!(i(&c, "sign(-32)"), -1);
    assert_eq!(i(&c, "sign(0)"), 0);
    assert_eq!(i(&c, "sign(234)"), 1);
    assert_eq!(i(&c, "crc32('MySQL')"), 3259397556);
    assert_eq!(i(&c, "bit_count(64)"), 1);
    assert_eq!(i(&c, "greatest(2, 0)"), 2);
    assert_close(f(&c, "greatest(34.0, 3.0, 5.0, 767.0)"), 767.0);
    assert_eq!(s(&c, "greatest('B', 'A', 'C')"), "C");
    assert_eq!(i(&c, "least(2, 0)"), 0);
    assert_eq!(s(&c, "least(1, NULL)"), "NULL");
}
