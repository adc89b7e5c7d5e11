//! End-to-end: the web pages in headless Chromium (Debian's chromium and chromium-driver,
//! installed by scripts/chromium.sh when missing), driven over WebDriver with fantoccini,
//! against the real service (a process of its own on a fresh SQLite file with the demo data).
//! Screenshots are saved under target/screenshots/.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_kontaktnav");
/// Närhälsan Södra Torget vårdcentral in the demo data (ids are stable).
/// A boende (its page has the ansvarig vårdcentral and doctor time).
const EXEMPELGARDEN: &str = "37f8c083-6119-54be-9b1e-ee2559795393";
const SODRA_TORGET: &str = "ffdabf88-ae49-5eb7-974e-f67910051deb";

/// A child process that is stopped when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn wait_for_port(port: u16, what: &str) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed() < Duration::from_secs(30), "{what} did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn chromedriver() -> PathBuf {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/chromium.sh");
    let out = Command::new("bash")
        .arg(script)
        .stderr(Stdio::inherit())
        .output()
        .expect("run scripts/chromium.sh");
    assert!(
        out.status.success(),
        "scripts/chromium.sh could not provide Chromium"
    );
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

/// axe-core's rules, to run in a page (scripts/axe.sh installs them from npm when missing).
fn axe() -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/axe.sh");
    let out = Command::new("bash")
        .arg(script)
        .stderr(Stdio::inherit())
        .output()
        .expect("run scripts/axe.sh");
    assert!(out.status.success(), "scripts/axe.sh could not provide axe-core");
    let path = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    std::fs::read_to_string(&path).expect("axe.min.js")
}

/// The serious and critical accessibility problems axe-core finds in the page as it is now.
async fn violations(client: &Client, axe: &str) -> Vec<String> {
    const RUN: &str = r#"const done = arguments[arguments.length - 1];
        axe.run(document, { resultTypes: ["violations"] }).then(r => done(r.violations
            .filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => v.id + " (" + v.impact + "): " + v.help + " at "
                + v.nodes.map(n => n.target.join(" ")).join(", "))));"#;
    client.execute(axe, vec![]).await.expect("axe-core in the page");
    let found = client.execute_async(RUN, vec![]).await.expect("axe.run");
    serde_json::from_value(found).expect("a list of violations")
}

/// No serious or critical accessibility problem in the page, at desktop and at phone width.
async fn assert_accessible(client: &Client, axe: &str, what: &str) {
    for (width, height) in [(1100, 900), (390, 844)] {
        client.set_window_size(width, height).await.expect("window size");
        let found = violations(client, axe).await;
        assert!(found.is_empty(), "{what} at {width} px: {found:#?}");
    }
    client.set_window_size(1100, 900).await.expect("desktop size");
}

fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("target/screenshots");
    dir
}

/// The service with the demo data and two built-in accounts.
fn service(dir: &Path) -> (Running, String) {
    let database = format!("sqlite://{}", dir.join("web.db").display());
    for (user, role, org) in [
        ("lasare", "reader", None),
        ("redaktor", "editor", Some("narhalsan")),
        ("kommunen", "editor", Some("boras-stad")),
        ("admin", "admin", None),
    ] {
        let mut cmd = Command::new(BIN);
        cmd.args(["user", "add", "--username", user, "--role", role, "--name"])
            .arg(format!("Test {role}"));
        if let Some(org) = org {
            cmd.args(["--org", org]);
        }
        let mut child = cmd
            .env("DATABASE_URL", &database)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("kontaktnav user add");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(b"ett langt testlosenord\n")
            .expect("password");
        assert!(child.wait().expect("user add").success());
    }
    let port = free_port();
    let child = Command::new(BIN)
        .env("DATABASE_URL", &database)
        .env("BIND", format!("127.0.0.1:{port}"))
        .env("AUTH_SECRET_FILE", dir.join("secret"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start kontaktnav");
    wait_for_port(port, "kontaktnav");
    (Running(child), format!("http://127.0.0.1:{port}"))
}

async fn browser(driver_port: u16, profile: &Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1100,900", "--lang=sv-SE",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    ClientBuilder::native()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{driver_port}"))
        .await
        .expect("a Chromium session")
}

/// The screenshots the README shows: `UPDATE_SCREENSHOTS=1 cargo test --test web` refreshes
/// them in tests/web/screenshots/.
const IN_README: &[&str] = &[
    "lookup.png",
    "edit-doubt.png",
    "unit-fields.png",
    "edit-hours.png",
    "review.png",
    "import-preview.png",
];

async fn screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.expect("screenshot");
    std::fs::write(screenshots().join(name), &png).expect("save screenshot");
    if IN_README.contains(&name) && std::env::var_os("UPDATE_SCREENSHOTS").is_some() {
        let readme = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/web/screenshots")
            .join(name);
        std::fs::create_dir_all(readme.parent().expect("folder")).expect("tests/web/screenshots");
        std::fs::write(readme, png).expect("the README's screenshot");
    }
}

async fn sign_in(client: &Client, base: &str, user: &str) {
    client
        .goto(&format!("{base}/logga-in"))
        .await
        .expect("sign-in page");
    client
        .find(Locator::Id("username"))
        .await
        .expect("user name field")
        .send_keys(user)
        .await
        .expect("type user name");
    client
        .find(Locator::Id("password"))
        .await
        .expect("password field")
        .send_keys("ett langt testlosenord")
        .await
        .expect("type password");
    client
        .find(Locator::Css("main form button[type=submit]"))
        .await
        .expect("sign-in button")
        .click()
        .await
        .expect("sign in");
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("header.top .who form button"))
        .await
        .expect("signed in: the sign-out button shows");
}

async fn sign_out(client: &Client) {
    client
        .find(Locator::Css("header.top .who form button"))
        .await
        .expect("sign-out button")
        .click()
        .await
        .expect("sign out");
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("username"))
        .await
        .expect("back on the sign-in page");
}

#[tokio::test(flavor = "current_thread")]
async fn staff_look_up_and_editors_keep_numbers_right_in_a_real_browser() {
    let driver = chromedriver();
    let dir = tempfile::tempdir().expect("temp dir");
    let (_service, base) = service(dir.path());
    let driver_port = free_port();
    let _driver = Running(
        Command::new(&driver)
            .arg(format!("--port={driver_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    wait_for_port(driver_port, "chromedriver");
    let client = browser(driver_port, &dir.path().join("profile")).await;
    let axe = axe();
    // The check itself sees a real problem: a picture without a text is a critical one.
    client
        .goto(&format!("{base}/logga-in"))
        .await
        .expect("sign-in page");
    client
        .execute("const i = document.createElement('img'); i.src = '/static/app.css'; document.body.appendChild(i);", vec![])
        .await
        .expect("a picture without a text");
    let found = violations(&client, &axe).await;
    assert!(found.iter().any(|v| v.starts_with("image-alt")), "{found:#?}");

    // A reader types "sodra torget" and sees Södra Torget's number as a tel: link, as they type.
    sign_in(&client, &base, "lasare").await;
    let q = client.find(Locator::Id("q")).await.expect("the search box");
    q.send_keys("sodra torget").await.expect("type");
    let link = client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#results a[href='tel:+46313900633']"))
        .await
        .expect("Södra Torget's one way in as a tel: link");
    assert_eq!(link.text().await.expect("link text"), "031-390 06 33");
    let first = client
        .find(Locator::Css("#results article.card h2"))
        .await
        .expect("a result card");
    assert_eq!(
        first.text().await.expect("title"),
        "Närhälsan Södra Torget vårdcentral"
    );
    assert!(
        client
            .find(Locator::Css("#results a.call, #results .closed-now"))
            .await
            .is_ok(),
        "the number to call now, big (or, at lunch and after hours, that nobody answers)"
    );
    screenshot(&client, "lookup.png").await;
    // On a phone's screen the same page stays usable (one column, the number still big).
    client.set_window_size(390, 844).await.expect("phone size");
    screenshot(&client, "lookup-phone.png").await;
    client.set_window_size(1100, 900).await.expect("desktop size");

    // An address in the search box: the district's hemtjänst first, saying why.
    client
        .goto(&format!("{base}/?q=All%C3%A9gatan%2014"))
        .await
        .expect("address search");
    let why = client
        .find(Locator::Css("#results article.card .found-by"))
        .await
        .expect("found by address");
    assert_eq!(
        why.text().await.expect("text"),
        "Hittad via adressen: Allégatan 14 hör till Distrikt Centrum (exempel)"
    );
    screenshot(&client, "lookup-address.png").await;
    // More than a page of vårdcentraler: "Visa fler" shows the next ones.
    client
        .goto(&format!("{base}/?q=&kind=vardcentral&area="))
        .await
        .expect("kind filter");
    client
        .find(Locator::Css(".more a"))
        .await
        .expect("Visa fler")
        .click()
        .await
        .expect("click");
    let meta = client.find(Locator::Css("#results p.meta")).await.expect("count");
    assert!(
        meta.text().await.expect("text").contains("13–"),
        "the second page"
    );
    screenshot(&client, "lookup-more.png").await;

    // A reader sees no edit controls, and the edit page refuses them.
    client
        .goto(&format!("{base}/enhet/{SODRA_TORGET}"))
        .await
        .expect("unit page");
    let source = client.source().await.expect("page source");
    assert!(source.contains("Rapportera fel uppgift"), "the report form");
    assert!(!source.contains("/redigera"), "no edit link for a reader");
    assert!(!source.contains("Att granska"), "no review page for a reader");
    screenshot(&client, "unit-reader.png").await;
    // Who answers at lunch on a Wednesday: nobody on the one way in; the open numbers instead,
    // and when it opens. No "Ring nu" for a closed number.
    client
        .goto(&format!("{base}/enhet/{SODRA_TORGET}?vid=2026-11-25T12%3A30"))
        .await
        .expect("unit page at lunch");
    let lunch = client.source().await.expect("page source");
    assert!(lunch.contains("Ingen svarar då"), "{lunch}");
    assert!(
        !lunch.contains("Ring nu:") && !lunch.contains("Svarar då:"),
        "{lunch}"
    );
    assert!(
        lunch.contains("Öppet: ") && lunch.contains("Öppnar 13:00."),
        "{lunch}"
    );
    screenshot(&client, "unit-lunch.png").await;
    client
        .goto(&format!("{base}/enhet/{SODRA_TORGET}?vid=2026-11-25T16%3A45"))
        .await
        .expect("unit page at 16:45");
    let late = client.source().await.expect("page source");
    assert!(
        late.contains("Tar över: "),
        "the on-call doctor from 17:00: {late}"
    );
    screenshot(&client, "unit-1645.png").await;
    client
        .goto(&format!("{base}/enhet/{SODRA_TORGET}/redigera"))
        .await
        .expect("edit page");
    let refused = client.source().await.expect("page source");
    assert!(refused.contains("Inte tillåtet"), "{refused}");
    assert!(client.find(Locator::Css("input[name=number]")).await.is_err());
    client.goto(&base).await.expect("lookup page");
    sign_out(&client).await;

    // An editor changes a number and sees it in the history.
    sign_in(&client, &base, "redaktor").await;
    client
        .goto(&format!("{base}/enhet/{SODRA_TORGET}/redigera"))
        .await
        .expect("edit page");
    let number = client
        .find(Locator::XPath(
            "//input[@name='number' and @value='031-390 06 35']",
        ))
        .await
        .expect("the switchboard's number field");
    number.clear().await.expect("clear");
    // A digit left out: the page asks, as it is typed, what was meant.
    number.send_keys("031-390 06 3").await.expect("type a slip");
    let doubt = client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("div.doubt"))
        .await
        .expect("the question under the field");
    let asked = doubt.text().await.expect("its text");
    assert!(asked.contains("Menade du 031-39 00 63?"), "{asked}");
    assert!(asked.contains("Numret stämmer: spara 031-39 00 63"), "{asked}");
    screenshot(&client, "edit-doubt.png").await;
    assert_accessible(&client, &axe, "the edit page asking about a number").await;
    number.send_keys("9").await.expect("type the last digit");
    let hint = client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath(
            "//p[@class='hint' and contains(., '031-390 06 39')]",
        ))
        .await
        .expect("the number as it will be saved");
    assert_eq!(hint.text().await.expect("hint"), "Sparas som 031-390 06 39");
    assert!(
        client.find(Locator::Css("div.doubt")).await.is_err(),
        "the question is gone"
    );
    client
        .find(Locator::XPath(
            "//input[@name='number' and @value='031-390 06 35']/ancestor::form//input[@name='reason']",
        ))
        .await
        .expect("the reason field")
        .send_keys("nytt växelnummer")
        .await
        .expect("type the reason");
    screenshot(&client, "edit.png").await;
    client
        .find(Locator::XPath(
            "//input[@name='number' and @value='031-390 06 35']/ancestor::form//button[@type='submit']",
        ))
        .await
        .expect("its save button")
        .click()
        .await
        .expect("save");
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("div.notice.ok"))
        .await
        .expect("saved");
    client
        .goto(&format!("{base}/enhet/{SODRA_TORGET}/historik"))
        .await
        .expect("history page");
    let history = client.source().await.expect("page source");
    assert!(history.contains("031-390 06 35 → 031-390 06 39"), "{history}");
    assert!(history.contains("nytt växelnummer"));
    assert!(history.contains("Test editor"));
    screenshot(&client, "history.png").await;
    client
        .goto(&format!("{base}/enhet/{SODRA_TORGET}/uppgifter"))
        .await
        .expect("the unit's fields");
    assert!(client.source().await.expect("source").contains("Ändra uppgifter"));
    screenshot(&client, "unit-fields.png").await;

    // Telefontid in words, any number of spans: read back as it will be saved while typed.
    client
        .goto(&format!("{base}/enhet/{SODRA_TORGET}/redigera"))
        .await
        .expect("edit page");
    let switchboard = "//input[@name='number' and @value='031-390 06 39']/ancestor::form";
    let hours = client
        .find(Locator::XPath(&format!("{switchboard}//input[@name='hours']")))
        .await
        .expect("the switchboard's hours");
    hours.clear().await.expect("clear");
    hours
        .send_keys("vardagar 8–12, 13–16.30, lör 10–14, sön 10–12")
        .await
        .expect("type the hours");
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath(
            "//div[contains(@class, 'hours-check')]//strong[contains(., 'sön 10:00–12:00')]",
        ))
        .await
        .expect("the hours as they will be saved");
    screenshot(&client, "edit-hours.png").await;
    client
        .find(Locator::XPath(&format!("{switchboard}//button[@type='submit']")))
        .await
        .expect("its save button")
        .click()
        .await
        .expect("save");
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("div.notice.ok"))
        .await
        .expect("saved");
    assert!(
        client.source().await.expect("source").contains(
            "value=\"vardagar 08:00–12:00, vardagar 13:00–16:30, lör 10:00–14:00, sön 10:00–12:00\""
        ),
        "the four spans stored and shown"
    );

    // A stale edit: the numbers page open in one tab, the unit's note changed in another; the
    // first tab's save says what changed meanwhile and keeps what was typed.
    let first = client.window().await.expect("this tab");
    let label = client
        .find(Locator::XPath(&format!("{switchboard}//input[@name='label']")))
        .await
        .expect("the switchboard's description");
    label.send_keys(" (ny)").await.expect("type");
    let other = client.new_window(true).await.expect("another tab").handle;
    client.switch_to_window(other).await.expect("to the other tab");
    client
        .goto(&format!("{base}/enhet/{SODRA_TORGET}/uppgifter"))
        .await
        .expect("the unit's fields");
    let note = client.find(Locator::Id("note")).await.expect("the note");
    note.clear().await.expect("clear");
    note.send_keys("Ändrad i en annan flik").await.expect("type");
    client
        .find(Locator::XPath("//form[@id='uppgifter']//button[@type='submit']"))
        .await
        .expect("save button")
        .click()
        .await
        .expect("save");
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("div.notice.ok"))
        .await
        .expect("saved in the other tab");
    client.close_window().await.expect("close the other tab");
    client
        .switch_to_window(first)
        .await
        .expect("back to the first tab");
    client
        .find(Locator::XPath(&format!("{switchboard}//button[@type='submit']")))
        .await
        .expect("its save button")
        .click()
        .await
        .expect("save");
    let stale = client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath(
            "//*[contains(., 'Någon annan har ändrat enheten')]",
        ))
        .await
        .expect("the stale edit explained");
    assert!(!stale.text().await.expect("text").is_empty());
    let source = client.source().await.expect("source");
    assert!(
        source.contains("Ändrad i en annan flik"),
        "what changed meanwhile: {source}"
    );
    assert!(
        source.contains("value=\"Växel och tidsbokning (ny)\""),
        "what was typed is kept"
    );
    screenshot(&client, "edit-stale.png").await;
    assert_accessible(&client, &axe, "a stale edit").await;
    sign_out(&client).await;

    // An editor of another organisation: refused in names, not ids.
    sign_in(&client, &base, "kommunen").await;
    client
        .goto(&format!("{base}/enhet/{SODRA_TORGET}/redigera"))
        .await
        .expect("edit page");
    let refused = client.source().await.expect("source");
    assert!(refused.contains("Du är redaktör för Borås Stad."), "{refused}");
    assert!(refused.contains("hör till Närhälsan"), "{refused}");
    assert!(client.find(Locator::Css("input[name=number]")).await.is_err());
    assert_accessible(&client, &axe, "the refusal of another organisation's editor").await;
    sign_out(&client).await;
    sign_in(&client, &base, "redaktor").await;

    // Keyboard only: from the top of the numbers page, Tab to the switchboard's number, type,
    // Tab to its save button, Enter.
    client
        .goto(&format!("{base}/enhet/{SODRA_TORGET}/redigera"))
        .await
        .expect("edit page");
    let tab = Key::Tab.to_string();
    let mut steps = 0;
    let number = loop {
        client
            .active_element()
            .await
            .expect("focus")
            .send_keys(&tab)
            .await
            .expect("Tab");
        let focused = client.active_element().await.expect("focus");
        if focused.attr("name").await.expect("name").as_deref() == Some("number")
            && focused.prop("value").await.expect("value").as_deref() == Some("031-390 06 39")
        {
            break focused;
        }
        steps += 1;
        assert!(steps < 80, "Tab never reached the switchboard's number");
    };
    number.send_keys(&(Key::Control + "a")).await.expect("select");
    number.send_keys("031-390 06 37").await.expect("type");
    loop {
        client
            .active_element()
            .await
            .expect("focus")
            .send_keys(&tab)
            .await
            .expect("Tab");
        let focused = client.active_element().await.expect("focus");
        if focused.text().await.expect("text").starts_with("Spara Växel") {
            focused.send_keys(&Key::Enter.to_string()).await.expect("Enter");
            break;
        }
        steps += 1;
        assert!(steps < 120, "Tab never reached the save button");
    }
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("div.notice.ok"))
        .await
        .expect("saved with the keyboard alone");
    let saved = client.source().await.expect("source");
    assert!(saved.contains("value=\"031-390 06 37\""), "saved");

    // The review page shows what "Stämmer" confirms: each unit's numbers and telefontider.
    client
        .goto(&format!("{base}/granska"))
        .await
        .expect("review page");
    let review = client.source().await.expect("page source");
    assert!(
        review.contains("Stämmer") && review.contains("Telefontid"),
        "{review}"
    );
    screenshot(&client, "review.png").await;
    sign_out(&client).await;

    // An admin imports a file: the preview unit by unit, then the import.
    sign_in(&client, &base, "admin").await;
    client.goto(&format!("{base}/import")).await.expect("import page");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import-sample.csv");
    client
        .find(Locator::Id("fil"))
        .await
        .expect("the file field")
        .send_keys(sample.to_str().expect("path"))
        .await
        .expect("choose the file");
    client
        .find(Locator::Id("reason"))
        .await
        .expect("the reason field")
        .send_keys("nya enheter")
        .await
        .expect("type the reason");
    client
        .find(Locator::XPath("//button[.='Förhandsgranska']"))
        .await
        .expect("preview button")
        .click()
        .await
        .expect("preview");
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath("//h1[.='Förhandsgranskning av importen']"))
        .await
        .expect("the preview");
    let preview = client.source().await.expect("page source");
    assert!(preview.contains("Hemtjänst Exempelby (exempel)"), "{preview}");
    screenshot(&client, "import-preview.png").await;
    assert_accessible(&client, &axe, "the import preview").await;
    client
        .find(Locator::XPath("//button[starts-with(., 'Importera:')]"))
        .await
        .expect("import button")
        .click()
        .await
        .expect("import");
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath("//h1[.='Importen är klar']"))
        .await
        .expect("imported");
    assert_accessible(&client, &axe, "the import's report").await;

    // The street table from a file: a preview district by district, then Avbryt.
    client.goto(&format!("{base}/import")).await.expect("import page");
    client
        .find(Locator::Css("input[name=vad][value=gator]"))
        .await
        .expect("the street table choice")
        .click()
        .await
        .expect("choose streets");
    let streets = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/streets-sample.csv");
    client
        .find(Locator::Id("fil"))
        .await
        .expect("the file field")
        .send_keys(streets.to_str().expect("path"))
        .await
        .expect("choose the file");
    client
        .find(Locator::XPath("//button[.='Förhandsgranska']"))
        .await
        .expect("preview button")
        .click()
        .await
        .expect("preview");
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath("//h1[.='Förhandsgranskning: gatutabellen']"))
        .await
        .expect("the street preview");
    let preview = client.source().await.expect("page source");
    assert!(
        preview.contains("Testgatan") && preview.contains("Tas bort"),
        "{preview}"
    );
    screenshot(&client, "streets-preview.png").await;
    assert_accessible(&client, &axe, "the street table's preview").await;
    client
        .find(Locator::XPath("//a[.='Avbryt']"))
        .await
        .expect("cancel")
        .click()
        .await
        .expect("cancel");

    // The printed list reads on a phone too (one block per unit).
    client
        .goto(&format!("{base}/v1/export?format=html"))
        .await
        .expect("the printed list");
    client.set_window_size(390, 844).await.expect("phone size");
    screenshot(&client, "list-phone.png").await;
    client.set_window_size(1100, 900).await.expect("desktop size");
    screenshot(&client, "list.png").await;
    assert_accessible(&client, &axe, "the printed list").await;

    // Every page, as an admin sees it (and the sign-in page), meets the accessibility rules.
    for path in [
        "/".to_owned(),
        "/?q=sodra".to_owned(),
        format!("/enhet/{SODRA_TORGET}"),
        "/gata?gata=Sandwalls%20plats%2012".to_owned(),
        format!("/enhet/{SODRA_TORGET}/redigera"),
        format!("/enhet/{SODRA_TORGET}/uppgifter"),
        format!("/enhet/{SODRA_TORGET}/historik"),
        "/granska".to_owned(),
        "/ny-enhet".to_owned(),
        "/import".to_owned(),
        "/konton".to_owned(),
        "/logg".to_owned(),
        "/ord".to_owned(),
        "/organisationer".to_owned(),
        "/omraden".to_owned(),
        format!("/enhet/{EXEMPELGARDEN}/uppgifter"),
        "/enhet/00000000-0000-4000-8000-000000000000".to_owned(),
    ] {
        client.goto(&format!("{base}{path}")).await.expect("page");
        assert_accessible(&client, &axe, &path).await;
        if let Some(name) = [
            ("/organisationer", "organisations.png"),
            ("/uppgifter", "unit-fields-boende.png"),
        ]
        .iter()
        .find(|(end, _)| path.ends_with(end) && !path.contains(SODRA_TORGET))
        .map(|(_, name)| name)
        {
            // The parts the first forms lacked, in view.
            let script = "var e = document.getElementById('fallback') || document.getElementById('vardcentral_id'); if (e) { e.scrollIntoView(); }";
            client.execute(script, vec![]).await.expect("scroll");
            screenshot(&client, name).await;
        }
    }
    client.goto(&base).await.expect("lookup page");
    sign_out(&client).await;
    assert_accessible(&client, &axe, "/logga-in").await;

    client.close().await.expect("close the browser");
}
