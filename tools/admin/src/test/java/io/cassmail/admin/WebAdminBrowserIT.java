package io.cassmail.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.cassmail.app.Role;
import io.cassmail.queue.DeliveryJob;
import io.cassmail.queue.RabbitQueues;
import io.cassmail.testing.MailStack;
import io.cassmail.testing.TestCerts;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web admin in a real headless Chromium (Debian's chromium and chromedriver, through Selenium) over HTTPS on a
 * real server: sign in, add a domain and a user (an alias, limits, a new password), make a DKIM key and see its record, requeue a parked job, look at
 * the status page, sign out; then a user signs in to their own page. Each page's screenshot is saved under
 * {@code target/web-admin/}.
 */
class WebAdminBrowserIT {
    private static final Path SHOTS = Path.of("target", "web-admin").toAbsolutePath();
    @TempDir
    static Path dir;
    static MailStack stack;
    static ChromeDriver browser;
    static WebDriverWait wait;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        Path[] pair = TestCerts.create(dir.resolve("tls"), "admin.cassmail.test", "ec");
        stack = MailStack.create("webadmin", "admin.port=0", "tls.cert=" + pair[0], "tls.key=" + pair[1],
                "password.argon2-memory=64K", "password.argon2-iterations=1").start(Role.SMTP);
        assertThat(CliRun.run(stack.settings, "browser-pw\n", "admins", "add", "ops", "--password-stdin").exit()).isZero();
        base = "https://127.0.0.1:" + stack.adminPort();
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.setAcceptInsecureCerts(true);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + dir.resolve("profile"), "--window-size=1280,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60)).scriptTimeout(Duration.ofSeconds(30));
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        stack.close();
    }

    private static void shot(String name) throws Exception {
        Path file = SHOTS.resolve(name + ".png");
        Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
        assertThat(Files.size(file)).isGreaterThan(5_000);
    }

    private static void page(String name) {
        wait.until(d -> name.equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
    }

    private static void type(String id, String text) {
        browser.findElement(By.id(id)).clear();
        browser.findElement(By.id(id)).sendKeys(text);
    }

    private static void click(String id) {
        wait.until(ExpectedConditions.elementToBeClickable(By.id(id))).click();
    }

    @Test
    void anAdminManagesDomainsUsersDkimAndParkedMailThenAUserSeesTheirOwnPage() throws Exception {
        UUID parked = UUID.randomUUID();
        try (RabbitQueues queues = new RabbitQueues(stack.config, "web-admin-it")) {
            queues.jobs().park(DeliveryJob.first(parked).encode(), "parked for the browser test");
        }

        browser.get(base + "/");
        page("login");
        shot("01-sign-in");
        type("login-name", "ops");
        type("login-password", "wrong");
        click("login-submit");
        wait.until(ExpectedConditions.textToBe(By.id("message"), "the name or the password is not right"));
        type("login-password", "browser-pw");
        click("login-submit");
        page("domains");
        assertThat(browser.findElement(By.id("who")).getText()).isEqualTo("ops");

        type("domain-name", "web.test");
        click("domain-add");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("domains"), "web.test"));
        assertThat(browser.findElement(By.id("message")).getText()).isEqualTo("added domain web.test");
        shot("02-domains");

        click("nav-users");
        page("users");
        type("user-address", "amy@web.test");
        type("user-password", "amy-first");
        click("user-add");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("users"), "amy@web.test"));
        browser.findElements(By.cssSelector("#users tr")).stream().filter(row -> row.getText().contains("amy@web.test"))
                .findFirst().orElseThrow().findElement(By.cssSelector("button.user-details")).click();
        wait.until(ExpectedConditions.textToBe(By.id("detail-address"), "amy@web.test"));
        type("alias-address", "team@web.test");
        click("alias-add");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("detail-aliases"), "team@web.test"));
        type("quota-messages", "500");
        click("quota-save");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("detail-usage"), "0 of 500 messages"));
        type("reset-password", "amy-reset");
        click("reset-save");
        wait.until(ExpectedConditions.textToBe(By.id("message"), "password set for amy@web.test"));
        shot("03-users");
        assertThat(CliRun.run(stack.settings, "", "users", "alias", "list", "amy@web.test").out()).contains("team@web.test");
        assertThat(CliRun.run(stack.settings, "", "users", "quota", "amy@web.test").out()).contains("0 of 500 messages");

        click("nav-dkim");
        page("dkim");
        new Select(browser.findElement(By.id("dkim-domain"))).selectByValue("web.test");
        click("dkim-generate");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("dkim-keys"), "._domainkey.web.test. IN TXT ("));
        String record = browser.findElement(By.cssSelector("#dkim-keys pre.record")).getText();
        assertThat(record).contains("v=DKIM1; k=rsa; p=");
        shot("04-dkim");

        click("nav-queue");
        page("queue");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("parked"), parked.toString()));
        shot("05-queue-parked");
        browser.findElements(By.cssSelector("#parked tr")).stream()
                .filter(row -> row.getText().contains(parked.toString())).findFirst().orElseThrow()
                .findElement(By.cssSelector("button.requeue")).click();
        wait.until(ExpectedConditions.textToBe(By.id("message"), "requeued " + parked));
        wait.until(d -> !d.findElement(By.id("parked")).getText().contains(parked.toString()));
        shot("06-queue-requeued");
        assertThat(CliRun.run(stack.settings, "", "queue", "parked").out()).doesNotContain(parked.toString());

        click("nav-cluster");
        page("cluster");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("cluster-nodes"), "UP"));
        assertThat(browser.findElement(By.id("cluster-summary")).getText()).contains("schema agreement: yes");
        shot("07-cluster");

        click("nav-audit");
        page("audit");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("audit"), "queue.requeue " + parked));
        assertThat(browser.findElement(By.id("audit")).getText()).contains("admin:ops").contains("domain.add web.test");
        shot("08-audit");

        click("nav-status");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "cassandra"));
        shot("09-status");
        browser.navigate().back();
        page("audit");

        click("logout");
        page("login");
        shot("10-signed-out");
        assertThat(browser.findElement(By.id("nav")).isDisplayed()).isFalse();

        // what the browser did is there for the CLI
        assertThat(CliRun.run(stack.settings, "", "domains", "list").out()).contains("web.test");
        assertThat(CliRun.run(stack.settings, "", "users", "list", "--domain", "web.test").out()).contains("amy@web.test");

        type("login-name", "amy@web.test");
        type("login-password", "amy-reset");
        click("login-submit");
        page("me");
        assertThat(browser.findElement(By.id("me-quota")).getText()).startsWith("amy@web.test: 0 of 500 messages");
        assertThat(browser.findElement(By.id("nav-domains")).isDisplayed()).isFalse();
        type("me-current", "amy-reset");
        type("me-new", "amy-second");
        click("me-save");
        wait.until(ExpectedConditions.textToBe(By.id("message"), "password changed"));
        shot("11-my-account");
        assertThat(stack.directory.passwordHash("amy@web.test")).hasValueSatisfying(h ->
                assertThat(io.cassmail.auth.PasswordHasher.matches("amy-second", h)).isTrue());
    }
}
