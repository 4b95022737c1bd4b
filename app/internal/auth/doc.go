// Package auth holds users and authentication in Payload 3's dialect:
// password hashing and policy, HS256 session tokens, server-side sessions,
// API keys, login lockout, per-IP rate limiting, password reset and the role
// rules of the users collection. It is a domain package: it imports no web
// framework, ORM or cloud SDK; persistence is the Store interface (the gorm
// store implements it) and mail is the Mailer interface.
//
// Choices worth knowing:
//   - New passwords are argon2id, m=64 MiB, t=3, p=2 (~120 ms per hash on the
//     2-core build host, BenchmarkHash). A semaphore (2×GOMAXPROCS slots)
//     bounds concurrent derivations so a login burst cannot exhaust memory.
//   - Payload's PBKDF2-SHA256 hashes ("pbkdf2-sha256-v1:", "-v2-i<n>-l<len>:"
//     and the unprefixed 25,000-iteration/512-byte legacy form, salt used as
//     the UTF-8 bytes of its hex string) verify, and are replaced by argon2id
//     at the next successful login.
//   - Tokens are interchangeable with Payload's: header
//     {"alg":"HS256","authVersion":1,"typ":"JWT"}, claims {id, collection,
//     email, sid, iat, exp}, key = first 32 hex characters of sha256(secret).
//     A token is only valid while its session (sid) exists and is unexpired,
//     so logout and password changes revoke it at once.
//   - API keys ("chr_" + 32 random bytes, base64url) and reset tokens are
//     stored as SHA-256 hex; they are high-entropy, so a fast hash suffices
//     and lookups stay indexed.
//   - Secrets (passwords, hashes, salts, tokens, keys) are never logged; the
//     types carrying them implement slog.LogValuer to redact themselves. The
//     one exception is development mode without SMTP, where ForgotPassword
//     logs the reset link so a developer can use it.
package auth
