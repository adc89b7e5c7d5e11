# Multi-stage build: compile with the Rust toolchain, run from a small Debian image as a
# non-root user. SQLite and libpq are compiled into the binary; at run time it needs only
# OpenSSL's libraries (for TLS to PostgreSQL).
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libssl3 ca-certificates \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --home-dir /var/lib/kontaktnav --create-home kontaktnav
COPY --from=build /src/target/release/kontaktnav /usr/local/bin/kontaktnav
USER kontaktnav
# Listens on every interface inside the container; every /v1 call needs a bearer token.
# The token-signing secret is created in the volume on first start (or set AUTH_SECRET).
# No demo data unless asked.
ENV BIND=0.0.0.0:8080 \
    DATABASE_URL=sqlite:///var/lib/kontaktnav/kontaktnav.db \
    AUTH_SECRET_FILE=/var/lib/kontaktnav/auth-secret \
    DEMO_DATA=false \
    RUST_LOG=info
EXPOSE 8080
VOLUME ["/var/lib/kontaktnav"]
ENTRYPOINT ["kontaktnav"]
CMD ["serve"]
