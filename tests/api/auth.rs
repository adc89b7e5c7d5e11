//! Authentication: the service's own tokens, an external identity provider's tokens, the
//! attacks each must refuse with 401, signing in with a built-in account, and the brake on
//! guessing passwords.

use std::path::PathBuf;

use actix_web::http::{Method, StatusCode};
use actix_web::test;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use kontaktnav::auth::AuthSettings;
use kontaktnav::domain::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/idp")
        .join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).expect("fixture")
}

const IDP: &str = "https://idp.example.test/realms/vgr";
const AUD: &str = "kontaktnav-api";

/// A service that trusts the pretend identity provider's keys (PEM and JWKS) as well as its
/// own.
fn app_with_idp() -> TestApp {
    TestApp::with_auth(|s| AuthSettings {
        idp_issuer: Some(IDP.into()),
        idp_audience: Some(AUD.into()),
        idp_keys: vec![
            fixture("rsa-public.pem"),
            fixture("ec-public.pem"),
            fixture("ed-public.pem"),
            fixture("jwks.json"),
        ],
        ..s
    })
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn claims(role: &str) -> Value {
    json!({
        "iss": IDP, "aud": AUD, "sub": "idp-user-17", "name": "Anna Exempel",
        "role": role, "orgs": ["narhalsan"], "iat": now(), "nbf": now() - 5, "exp": now() + 300
    })
}

fn sign(alg: Algorithm, key: &EncodingKey, claims: &Value, kid: Option<&str>) -> String {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, key).expect("sign")
}

fn rsa_key() -> EncodingKey {
    EncodingKey::from_rsa_pem(&read("rsa-private.pem")).expect("rsa key")
}

async fn me(app: &TestApp, token: &str) -> crate::helpers::Response {
    app.get_as("/v1/auth/me", Some(token)).await
}

#[actix_web::test]
async fn tokens_of_the_identity_provider_are_accepted_with_rs256_es256_eddsa_and_jwks() {
    let app = app_with_idp();
    let c = claims("editor");
    let tokens = [
        sign(Algorithm::RS256, &rsa_key(), &c, None),
        sign(Algorithm::RS256, &rsa_key(), &c, Some("test-rsa-1")),
        sign(
            Algorithm::ES256,
            &EncodingKey::from_ec_pem(&read("ec-private.pem")).expect("ec key"),
            &c,
            None,
        ),
        sign(
            Algorithm::EdDSA,
            &EncodingKey::from_ed_pem(&read("ed-private.pem")).expect("ed key"),
            &c,
            None,
        ),
    ];
    for token in tokens {
        let res = me(&app, &token).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert_eq!(res.body["sub"], "idp-user-17");
        assert_eq!(res.body["role"], "editor");
        assert_eq!(res.body["organisations"], json!(["narhalsan"]));
    }
    // The service's own tokens still work beside the provider's.
    let own = app.token(Role::Admin, &[]);
    assert_eq!(me(&app, &own).await.status, StatusCode::OK);
}

#[actix_web::test]
async fn every_token_attack_gets_401_with_a_reason() {
    let app = app_with_idp();
    let good = sign(Algorithm::RS256, &rsa_key(), &claims("admin"), None);
    let (header_b64, rest) = good.split_once('.').expect("jwt");
    let (payload_b64, _sig) = rest.split_once('.').expect("jwt");

    let with = |change: &dyn Fn(&mut Value)| {
        let mut c = claims("admin");
        change(&mut c);
        sign(Algorithm::RS256, &rsa_key(), &c, None)
    };
    // alg none: an unsigned token with the same claims.
    let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let alg_none = format!("{none_header}.{payload_b64}.");
    // HS/RS confusion: HS256 signed with the provider's *public* key as the secret.
    let confused = sign(
        Algorithm::HS256,
        &EncodingKey::from_secret(&read("rsa-public.pem")),
        &claims("admin"),
        None,
    );
    // A signature that does not match: the payload of another token.
    let other_payload = URL_SAFE_NO_PAD.encode(
        serde_json::to_vec(
            &json!({"iss": IDP, "aud": AUD, "sub": "mallory", "role": "admin", "exp": now() + 300}),
        )
        .expect("json"),
    );
    let tampered = format!(
        "{header_b64}.{other_payload}.{}",
        good.rsplit('.').next().expect("sig")
    );
    // An algorithm the service was not configured for.
    let ps256 = sign(Algorithm::PS256, &rsa_key(), &claims("admin"), None);
    // A key the service does not know (our own EC key signing as if it were RSA is impossible,
    // so: a fresh HS256 secret that is not the service's).
    let foreign_secret = sign(
        Algorithm::HS256,
        &EncodingKey::from_secret(b"not the secret of this service at all!!"),
        &json!({"iss": "kontaktnav", "aud": "kontaktnav", "sub": "x", "role": "admin", "exp": now() + 300}),
        None,
    );

    let cases: Vec<(&str, String, &str)> = vec![
        ("garbled", "not.a.jwt".into(), "cannot be read"),
        ("alg none", alg_none, "cannot be read"),
        ("HS/RS confusion", confused, "signature does not verify"),
        ("tampered payload", tampered, "signature does not verify"),
        ("unconfigured algorithm", ps256, "not accepted"),
        ("foreign secret", foreign_secret, "signature does not verify"),
        ("expired", with(&|c| c["exp"] = json!(now() - 120)), "expired"),
        // Past the leeway (5 s by default, at most 10 s).
        (
            "expired 15 s ago",
            with(&|c| c["exp"] = json!(now() - 15)),
            "expired",
        ),
        (
            "not yet valid",
            with(&|c| c["nbf"] = json!(now() + 600)),
            "not valid yet",
        ),
        (
            "wrong issuer",
            with(&|c| c["iss"] = json!("https://evil.example.test")),
            "issuer",
        ),
        (
            "wrong audience",
            with(&|c| c["aud"] = json!("another-api")),
            "not meant for this service",
        ),
        (
            "no audience",
            with(&|c| {
                c.as_object_mut().expect("obj").remove("aud");
            }),
            "'aud'",
        ),
        (
            "no expiry",
            with(&|c| {
                c.as_object_mut().expect("obj").remove("exp");
            }),
            "'exp'",
        ),
        (
            "no role",
            with(&|c| {
                c.as_object_mut().expect("obj").remove("role");
            }),
            "'role'",
        ),
        (
            "unknown role",
            with(&|c| c["role"] = json!("superuser")),
            "unknown role",
        ),
    ];
    for (what, token, reason) in cases {
        let res = me(&app, &token).await;
        assert_problem(&res, StatusCode::UNAUTHORIZED);
        let detail = res.body["detail"].as_str().expect("detail");
        assert!(detail.contains(reason), "{what}: {detail}");
        assert!(res.headers.get("www-authenticate").is_some(), "{what}");
        // A refused token never becomes an anonymous read either.
        assert_problem(
            &app.get_as("/v1/units", Some(&token)).await,
            StatusCode::UNAUTHORIZED,
        );
    }
    // A token within the leeway (expired 2 s ago: clock skew) still passes.
    let fresh_enough = with(&|c| c["exp"] = json!(now() - 2));
    assert_eq!(me(&app, &fresh_enough).await.status, StatusCode::OK);
}

#[actix_web::test]
async fn every_v1_route_but_sign_in_needs_a_token() {
    let app = TestApp::new();
    let doc: Value = serde_json::from_str(&kontaktnav::openapi::document()).expect("doc");
    let id = app.unit_id("Herkules vårdcentral");
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        if !path.starts_with("/v1") || path == "/v1/auth/token" {
            continue;
        }
        let uri = path
            .replace("{id}", &id.to_string())
            .replace("{point_id}", &uuid::Uuid::new_v4().to_string())
            .replace("{username}", "someone");
        for method in item.as_object().expect("item").keys() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let res = app
                .send(method.clone(), &uri, None, Some("\"1\""), Some(json!({})))
                .await;
            assert_problem(&res, StatusCode::UNAUTHORIZED);
            // The document declares the bearer scheme on the operation.
            let security = &item[method.as_str().to_lowercase()]["security"];
            assert!(
                security
                    .as_array()
                    .is_some_and(|s| s.iter().any(|r| r.get("bearer").is_some())),
                "{method} {path} does not declare the bearer scheme"
            );
            checked += 1;
        }
    }
    assert!(checked >= 25, "only {checked} operations checked");
    // Health, the document and Swagger UI stay open.
    for open in ["/healthz", "/readyz", "/api-docs/openapi.json", "/swagger-ui/"] {
        assert_eq!(app.get_as(open, None).await.status, StatusCode::OK, "{open}");
    }
    // A header that is not "Bearer <token>".
    let res = app
        .request(
            test::TestRequest::get()
                .uri("/v1/units")
                .insert_header(("authorization", "Basic dXNlcjpwYXNz")),
        )
        .await;
    assert_problem(&res, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn anonymous_reading_when_allowed_shows_public_numbers_only() {
    let app = TestApp::with_auth(|s| AuthSettings {
        anonymous_read: true,
        ..s
    });
    // Södra Torget's one way in is internal: the public does not get it ...
    let res = app.get_as("/v1/lookup?q=sodra%20torget", None).await;
    assert_problem(&res, StatusCode::NOT_FOUND);
    let id = app.unit_id("Närhälsan Södra Torget vårdcentral");
    let res = app.get_as(&format!("/v1/units/{id}"), None).await;
    assert_eq!(res.status, StatusCode::OK);
    let visible: Vec<&str> = res.body["contact_points"]
        .as_array()
        .expect("points")
        .iter()
        .map(|p| p["visibility"].as_str().expect("visibility"))
        .collect();
    assert!(visible.iter().all(|v| *v == "public"), "{visible:?}");
    // ... staff do.
    let res = app.get("/v1/lookup?q=sodra%20torget").await;
    assert_eq!(res.body["results"][0]["call"]["visibility"], "internal");
    // Anonymous callers still cannot write or read history.
    let res = app.get_as(&format!("/v1/units/{id}/history"), None).await;
    assert_problem(&res, StatusCode::UNAUTHORIZED);
}

async fn sign_in(app: &TestApp, username: &str, password: &str) -> crate::helpers::Response {
    app.request(
        test::TestRequest::post()
            .uri("/v1/auth/token")
            .peer_addr("192.0.2.10:40000".parse().expect("addr"))
            .set_json(json!({"username": username, "password": password})),
    )
    .await
}

#[actix_web::test]
async fn a_built_in_account_signs_in_and_its_token_works() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let res = app
        .send(
            Method::POST,
            "/v1/accounts",
            Some(&admin),
            None,
            Some(json!({"username": "Redaktor.VAF", "display_name": "Redaktör VÄF", "password": "ett långt lösenord",
                        "role": "editor", "organisations": ["boras-stad-vaf"]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.body["username"], "redaktor.vaf");
    assert!(res.body.get("password_hash").is_none());

    let res = sign_in(&app, "redaktor.vaf", "ett långt lösenord").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["token_type"], "Bearer");
    assert_eq!(res.body["expires_in"], 3600);
    let token = res.body["access_token"].as_str().expect("token").to_owned();
    let who = me(&app, &token).await;
    assert_eq!(who.body["sub"], "redaktor.vaf");
    assert_eq!(who.body["name"], "Redaktör VÄF");
    assert_eq!(who.body["organisations"], json!(["boras-stad-vaf"]));

    // A disabled account cannot sign in.
    let res = app
        .send(
            Method::PATCH,
            "/v1/accounts/redaktor.vaf",
            Some(&admin),
            Some("\"1\""),
            Some(json!({"disabled": true, "reason": "slutat"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_problem(
        &sign_in(&app, "redaktor.vaf", "ett långt lösenord").await,
        StatusCode::UNAUTHORIZED,
    );
    // The token it already had stops working too.
    let res = me(&app, &token).await;
    assert_problem(&res, StatusCode::UNAUTHORIZED);
    assert!(
        res.body["detail"]
            .as_str()
            .expect("detail")
            .contains("sign in again")
    );
    // The account's history never holds the password or its hash.
    let res = app.get_as("/v1/audit?entity_type=account", Some(&admin)).await;
    let text = res.body.to_string();
    assert!(text.contains("redaktor.vaf"));
    assert!(
        !text.contains("argon2") && !text.contains("ett långt lösenord"),
        "{text}"
    );
}

#[actix_web::test]
async fn repeated_failed_sign_ins_are_refused_for_a_while() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    for name in ["lasare", "angripare"] {
        app.add_account(&admin, name, "rätt lösenord här", "reader").await;
    }
    for attempt in 1..kontaktnav::auth::passwords::MAX_FAILURES {
        let res = sign_in(&app, "lasare", "fel lösenord").await;
        assert_problem(&res, StatusCode::UNAUTHORIZED);
        assert!(
            res.body["detail"]
                .as_str()
                .expect("detail")
                .contains("wrong user name or password"),
            "{attempt}"
        );
        // Signing in to one's own account in between does not wipe the count of guesses.
        assert_eq!(
            sign_in(&app, "angripare", "rätt lösenord här").await.status,
            StatusCode::OK
        );
    }
    let res = sign_in(&app, "lasare", "fel lösenord").await;
    assert_problem(&res, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers.get("retry-after").is_some());
    // Locked: even the right password is refused now.
    let res = sign_in(&app, "lasare", "rätt lösenord här").await;
    assert_problem(&res, StatusCode::TOO_MANY_REQUESTS);
    // Unknown user names count as failures too, and answer the same way.
    let other = TestApp::new();
    let res = sign_in(&other, "finns-inte", "vad som helst").await;
    assert_problem(&res, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn the_cli_mints_tokens_and_adds_accounts() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let app = TestApp::new();
    let bin = env!("CARGO_BIN_EXE_kontaktnav");
    let secret = app.dir.path().join("auth-secret");
    let db = app.database_url.clone();
    let out = Command::new(bin)
        .args([
            "token",
            "--sub",
            "skript",
            "--role",
            "editor",
            "--org",
            "narhalsan",
            "--ttl",
            "10m",
        ])
        .env("AUTH_SECRET_FILE", &secret)
        .output()
        .expect("run kontaktnav token");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let token = String::from_utf8(out.stdout).expect("utf-8").trim().to_owned();
    let who = me(&app, &token).await;
    assert_eq!(who.status, StatusCode::OK, "{}", who.body);
    assert_eq!(who.body["sub"], "skript");
    assert_eq!(who.body["role"], "editor");

    let mut child = Command::new(bin)
        .args([
            "user",
            "add",
            "--username",
            "admin",
            "--role",
            "admin",
            "--name",
            "Administratör",
        ])
        .env("DATABASE_URL", &db)
        .env("AUTH_SECRET_FILE", &secret)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run kontaktnav user add");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all("ett hemligt lösenord\n".as_bytes())
        .expect("write password");
    let out = child.wait_with_output().expect("user add");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let res = sign_in(&app, "admin", "ett hemligt lösenord").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // The running service did not know the account when it was made; its token works anyway.
    let token = res.body["access_token"].as_str().expect("token").to_owned();
    let who = me(&app, &token).await;
    assert_eq!(who.status, StatusCode::OK, "{}", who.body);
    assert_eq!(who.body["role"], "admin");
}

/// A new password is refused one rule at a time, each with its reason: too short (the form,
/// 400), white space only, the user name, a common password, a run or a repeat (rules, 422);
/// a long unusual one is taken, also as a change.
#[actix_web::test]
async fn easy_passwords_are_refused_one_by_one() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let create = |password: &'static str| {
        let (app, admin) = (&app, &admin);
        async move {
            app.send(
                Method::POST,
                "/v1/accounts",
                Some(admin),
                None,
                Some(json!({"username": "redaktor.vaf", "display_name": "Redaktör VÄF", "password": password, "role": "reader"})),
            )
            .await
        }
    };
    for (password, status, says) in [
        ("elva tecken", StatusCode::BAD_REQUEST, "12–200"),
        ("            ", StatusCode::UNPROCESSABLE_ENTITY, "mellanslag"),
        ("redaktor.vaf", StatusCode::UNPROCESSABLE_ENTITY, "användarnamnet"),
        ("aaaaaaaaaaaa", StatusCode::UNPROCESSABLE_ENTITY, "lätt att gissa"),
        ("123456789012", StatusCode::UNPROCESSABLE_ENTITY, "lätt att gissa"),
        ("password1234", StatusCode::UNPROCESSABLE_ENTITY, "lätt att gissa"),
        ("lösenord2026", StatusCode::UNPROCESSABLE_ENTITY, "lätt att gissa"),
    ] {
        let res = create(password).await;
        assert_problem(&res, status);
        assert!(
            res.body["errors"][0]["sv"]
                .as_str()
                .is_some_and(|sv| sv.contains(says)),
            "{password:?}: {}",
            res.body
        );
    }
    let res = create("ett långt lösenord").await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    // A change is held to the same rules.
    let res = app
        .send(
            Method::PATCH,
            "/v1/accounts/redaktor.vaf",
            Some(&admin),
            Some("\"1\""),
            Some(json!({"password": "Redaktör VÄF"})),
        )
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);

    // The account changes its own password: the present one checked, the new one held to
    // the rules; the token from before stops working, the new one works.
    let signed_in = app
        .send(
            Method::POST,
            "/v1/auth/token",
            None,
            None,
            Some(json!({"username": "redaktor.vaf", "password": "ett långt lösenord"})),
        )
        .await;
    let old_token = signed_in.body["access_token"].as_str().expect("token").to_owned();
    let change = |token: String, present: &'static str, new: &'static str| {
        let app = &app;
        async move {
            app.send(
                Method::POST,
                "/v1/auth/password",
                Some(&token),
                None,
                Some(json!({"present_password": present, "new_password": new})),
            )
            .await
        }
    };
    assert_problem(
        &change(old_token.clone(), "fel lösenord", "häst batteri häftklammer").await,
        StatusCode::UNAUTHORIZED,
    );
    assert_problem(
        &change(old_token.clone(), "ett långt lösenord", "password1234").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    assert_problem(
        &change(admin.clone(), "ett långt lösenord", "häst batteri häftklammer").await,
        StatusCode::FORBIDDEN,
    );
    let res = change(
        old_token.clone(),
        "ett långt lösenord",
        "häst batteri häftklammer",
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let new_token = res.body["access_token"].as_str().expect("token").to_owned();
    assert_problem(
        &app.get_as("/v1/auth/me", Some(&old_token)).await,
        StatusCode::UNAUTHORIZED,
    );
    assert_eq!(
        app.get_as("/v1/auth/me", Some(&new_token)).await.status,
        StatusCode::OK
    );
}
