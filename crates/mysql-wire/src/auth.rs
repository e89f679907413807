//! mysql_native_password: the scramble a server sends and the check of a client's answer.
//!
//! The client answers `SHA1(password) XOR SHA1(scramble ++ SHA1(SHA1(password)))`, computed by
//! mysql_common's `scramble_native`; an empty answer means an empty password. The server here
//! knows the plain password (the caller owns credentials), so it recomputes the expected answer
//! and compares in constant time. The scramble itself comes from the caller's random bytes:
//! nothing here (or in mysql_common, as used) draws randomness.

use mysql_common::auth::plugins::mysql_native_password::scramble_native;

/// Folds 20 random bytes into a scramble every client accepts: 7-bit, no NUL (the second half
/// travels NUL-terminated in the handshake) and no `$`, as MySQL's own `generate_user_salt` does.
/// mysql_common only generates nonces from OS randomness, which this crate must not read.
pub(crate) fn normalize_scramble(random: [u8; 20]) -> [u8; 20] {
    random.map(|b| match b & 0x7f {
        0 => 1,
        b'$' => b'$' + 1,
        b => b,
    })
}

/// The answer a client sends for `password` under mysql_native_password with this `scramble`:
/// `SHA1(password) XOR SHA1(scramble ++ SHA1(SHA1(password)))`, or nothing for an empty password.
/// Public so that test clients can log in without a second implementation.
pub fn native_password_response(scramble: &[u8], password: &str) -> Vec<u8> {
    scramble_native(scramble, password.as_bytes()).map_or_else(Vec::new, Vec::from)
}

/// Whether `response` (the client's auth data) proves knowledge of `password` for this scramble.
/// The comparison takes the same time wherever the first wrong byte is.
pub fn verify_native_password(scramble: &[u8; 20], password: &str, response: &[u8]) -> bool {
    let expected = native_password_response(scramble, password);
    expected.len() == response.len()
        && expected
            .iter()
            .zip(response)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_right_password_only() {
        let scramble = normalize_scramble([7; 20]);
        let answer = native_password_response(&scramble, "secret");
        assert_eq!(answer.len(), 20);
        assert!(verify_native_password(&scramble, "secret", &answer));
        assert!(!verify_native_password(&scramble, "Secret", &answer));
        assert!(!verify_native_password(&scramble, "secret", &answer[..19]));
        assert!(!verify_native_password(&scramble, "secret", b""));
        let other = normalize_scramble([8; 20]);
        assert!(!verify_native_password(&other, "secret", &answer));
    }

    #[test]
    fn empty_password_is_an_empty_answer() {
        let scramble = normalize_scramble([0; 20]);
        assert!(verify_native_password(&scramble, "", b""));
        assert!(!verify_native_password(&scramble, "", &[0; 20]));
    }

    #[test]
    fn known_answer() {
        // Worked by hand from the formula with Python's hashlib.
        let scramble = *b"01234567890123456789";
        let answer = native_password_response(&scramble, "secret");
        let hex: String = answer.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "7abe1a8776b59e931059451f81e596a60dbbf7a8");
    }

    #[test]
    fn scramble_has_no_nul_dollar_or_high_bit() {
        let s = normalize_scramble(std::array::from_fn(|i| (i * 13) as u8 ^ 0x80));
        assert!(s.iter().all(|&b| b != 0 && b != b'$' && b < 0x80));
        assert_eq!(normalize_scramble([0x80; 20]), [1; 20]);
        assert_eq!(normalize_scramble([b'$'; 20]), [b'%'; 20]);
    }
}
