-- Web sessions that were signed out (issue 29). A session's tokens are stateless JWTs, renewed
-- while in use; signing out records the session here, on the server, so that the old cookie
-- and its bearer use are refused at once by every instance and after a restart. `session` is
-- the SHA-256 (hex) of the session's id, never the id itself (the id derives the session's
-- CSRF token). A row is needed only until the session could have ended anyway
-- (`expires_at`: signing in + SESSION_MAX); older rows are removed at the next sign-out.
CREATE TABLE ended_sessions (
    session     TEXT PRIMARY KEY,
    ended_at    TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL
);
CREATE INDEX ended_sessions_expires_at ON ended_sessions (expires_at);
