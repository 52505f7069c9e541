using System.Net;
using System.Text.Encodings.Web;
using JwtIssuer.BrowserTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace JwtIssuer.BrowserTests.Apps;

/// <summary>The company's own web app (the "VoIP app"): it embeds Comm100's agent console in an iframe.</summary>
public sealed class EmbeddingApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmbeddingApp(string host, int port, Func<string> consoleUrl)
    {
        Origin = $"https://{host}:{port}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (host == Sites.IssuerHost)
            {
                kestrel.ListenLocalhost(port, listen => listen.UseHttps(TestCertificate.Instance));
            }
            else
            {
                kestrel.Listen(IPAddress.Parse(host), port, listen => listen.UseHttps(TestCertificate.Instance));
            }
        });
        _app = builder.Build();
        _app.MapGet("/app", () => Page("VoIP app", consoleUrl()));
        _app.MapGet("/frame", (string src) => Page("Framing test", src));
    }

    public string Origin { get; }

    public string AppUrl => Origin + "/app";

    public static async Task<EmbeddingApp> StartAsync(string host, Func<string> consoleUrl)
    {
        var app = new EmbeddingApp(host, Sites.FreePort(), consoleUrl);
        await app._app.StartAsync();
        return app;
    }

    /// <summary>A page of this app that frames <paramref name="src"/>.</summary>
    public string FrameUrl(string src) => $"{Origin}/frame?src={Uri.EscapeDataString(src)}";

    private static IResult Page(string title, string src) => Results.Content($$"""
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{title}}</title>
        <style>body{font-family:system-ui,sans-serif;margin:0}header{padding:.75rem 1rem;background:#1f883d;color:#fff;font-weight:600}iframe{border:0;width:100%;height:420px}</style></head>
        <body><header>{{title}}: agent workspace</header><iframe id="console" title="Comm100 agent console" src="{{HtmlEncoder.Default.Encode(src)}}"></iframe></body></html>
        """, "text/html; charset=utf-8");

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
