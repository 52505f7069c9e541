using JwtIssuer.BrowserTests.Infrastructure;
using JwtIssuer.Server.Users;
using Microsoft.Playwright;

namespace JwtIssuer.BrowserTests;

/// <summary>
/// The agent lifecycle in the admin area, in Chromium, with no command line after the first admin: an admin adds an
/// agent with a one-time link, the agent chooses a password and opens the console signed in; the admin sees the
/// agent's token in the audit trail, disables the agent, and the agent's next token is refused. A non-admin is refused.
/// </summary>
public sealed class AdminJourneyTests : IAsyncLifetime
{
    private const string NewAgent = "new.agent@example.com";
    private const string NewPassword = "the agent's own passphrase";

    private SsoWorld _world = null!;

    public async ValueTask InitializeAsync()
    {
        _world = await SsoWorld.StartAsync(Sites.IssuerHost, crossSite: false);
        await _world.Issuer.MakeAdminAsync(SsoWorld.Email);
    }

    public async ValueTask DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task AnAdminRunsAnAgentsWholeLifecycleInTheBrowser()
    {
        // The admin signs in and adds an agent, with a set-password link (the default choice).
        var admin = _world.Page;
        await admin.GotoAsync($"{_world.Issuer.Origin}/admin");
        await _world.SignInOnThePageAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Agents" })).ToBeVisibleAsync();
        await admin.GetByLabel("Email", new() { Exact = true }).FillAsync(NewAgent);
        await admin.GetByLabel("Name", new() { Exact = true }).FillAsync("New Agent");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Add agent" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync($"Added {NewAgent}");
        var link = await admin.GetByLabel("Set-password link (shown once)").InputValueAsync();
        await Screenshots.SaveAsync(admin, "admin-agents.png");

        // The agent opens the link, chooses a password, is signed in, and opens the console.
        var agent = await _world.NewPersonAsync();
        await agent.GotoAsync(link);
        await Assertions.Expect(agent.GetByText(NewAgent)).ToBeVisibleAsync();
        await agent.GetByLabel("New password").FillAsync(NewPassword);
        await agent.GetByLabel("Repeat the password").FillAsync(NewPassword);
        await agent.GetByRole(AriaRole.Button, new() { Name = "Set password and sign in" }).ClickAsync();
        await Assertions.Expect(agent.GetByText($"Signed in as {NewAgent}")).ToBeVisibleAsync();
        await agent.GotoAsync(_world.AppUrl);
        await Assertions.Expect(agent.FrameLocator("#console").GetByText($"Signed in as {NewAgent}")).ToBeVisibleAsync();
        var tokens = _world.Consumer.ReceivedTokens.Count;

        // The agent is not an admin.
        var refused = await agent.GotoAsync($"{_world.Issuer.Origin}/admin");
        Assert.Equal(403, refused!.Status);
        await Assertions.Expect(agent.GetByRole(AriaRole.Heading, new() { Name = "Admins only" })).ToBeVisibleAsync();

        // The admin finds the agent's token in the audit trail.
        await admin.GetByRole(AriaRole.Link, new() { Name = "Audit trail" }).ClickAsync();
        await admin.GetByLabel("User (email)").FillAsync(NewAgent);
        await admin.GetByLabel("Type").SelectOptionAsync("token");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Row).Filter(new() { HasText = NewAgent })).Not.ToHaveCountAsync(0);
        await Assertions.Expect(admin.GetByRole(AriaRole.Cell, new() { Name = "token", Exact = true }).First).ToBeVisibleAsync();

        // The admin disables the agent; once the status bound has passed, the agent's next token is refused.
        await admin.GetByRole(AriaRole.Link, new() { Name = "Agents" }).ClickAsync();
        await admin.GetByRole(AriaRole.Link, new() { Name = NewAgent }).ClickAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync($"Disabled {NewAgent}");
        await Task.Delay(UserStatusSnapshot.MaxAge);
        var denied = await agent.GotoAsync($"{_world.Issuer.Origin}/api/jwt?redirect_url={Uri.EscapeDataString(_world.Consumer.ConsumerUrl)}");
        Assert.Equal(403, denied!.Status);
        Assert.Equal(tokens, _world.Consumer.ReceivedTokens.Count);

        await admin.GetByRole(AriaRole.Link, new() { Name = "Comm100 setup" }).ClickAsync();
        await Assertions.Expect(admin.GetByText($"{_world.Issuer.Origin}/api/jwt/logout")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(admin, "admin-setup.png");
    }

    [Fact]
    public async Task EveryFieldIsLabelledAndEveryActionIsAButtonReachableByKeyboard()
    {
        await _world.Page.GotoAsync($"{_world.Issuer.Origin}/admin");
        await _world.SignInOnThePageAsync();
        await Assertions.Expect(_world.Page.GetByRole(AriaRole.Heading, new() { Name = "Agents" })).ToBeVisibleAsync();
        foreach (var path in new[] { "/admin", "/admin/audit" })
        {
            await _world.Page.GotoAsync(_world.Issuer.Origin + path);
            // Every visible input and select has an accessible name (a label).
            var unlabelled = await _world.Page.EvaluateAsync<int>(
                "() => [...document.querySelectorAll('input:not([type=hidden]):not([hidden]), select')].filter(e => !e.labels || e.labels.length === 0).length");
            Assert.Equal(0, unlabelled);
        }

        // Keyboard only: tab to the agent's link, open it, tab to the first action button.
        await _world.Page.GotoAsync($"{_world.Issuer.Origin}/admin?q={Uri.EscapeDataString(SsoWorld.Email)}");
        var agentLink = _world.Page.GetByRole(AriaRole.Link, new() { Name = SsoWorld.Email });
        await agentLink.FocusAsync();
        await _world.Page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(_world.Page.GetByRole(AriaRole.Heading, new() { Name = "Actions" })).ToBeVisibleAsync();
        await Assertions.Expect(_world.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out everywhere" })).ToBeEnabledAsync();
    }
}

/// <summary>
/// Pictures of the admin area for the docs: written to the folder JWTISSUER_SCREENSHOTS names (docs/images when the
/// docs are refreshed), and not at all otherwise.
/// </summary>
internal static class Screenshots
{
    public static async Task SaveAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("JWTISSUER_SCREENSHOTS") is { Length: > 0 } folder)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name), FullPage = true });
        }
    }
}
