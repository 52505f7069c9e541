using Microsoft.Playwright;

namespace JwtIssuer.BrowserTests.Infrastructure;

/// <summary>Debian's Chromium, headless, driven by Playwright. Playwright's own browser download is never used.</summary>
public static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly string[] Flags =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run",
    ];

    /// <summary>
    /// Launches the browser, or skips the test on a developer machine without it. In CI (CI=true) a missing
    /// browser is a failure: .ci/run installs it, so its absence means the run proves nothing.
    /// </summary>
    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            const string message = $"Chromium is not installed at {ExecutablePath}: install Debian's 'chromium' package (sudo apt-get install chromium) to run the browser tests.";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(message);
            }

            Assert.Skip(message);
        }

        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Flags,
        });
        return (playwright, browser);
    }
}
