# Multi-stage build: compile with the Rust toolchain, run from a small Debian image as a
# non-root user. SQLite is compiled into the binary; nothing else is needed at run time.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --home-dir /var/lib/kontaktnav --create-home kontaktnav
COPY --from=build /src/target/release/kontaktnav /usr/local/bin/kontaktnav
USER kontaktnav
ENV BIND=0.0.0.0:8080 \
    DATABASE_URL=sqlite:///var/lib/kontaktnav/kontaktnav.db \
    RUST_LOG=info
EXPOSE 8080
VOLUME ["/var/lib/kontaktnav"]
ENTRYPOINT ["kontaktnav"]
CMD ["serve"]
