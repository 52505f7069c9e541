using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace JwtIssuer.Tests.Infrastructure;

/// <summary>The real <c>jwt-issuer</c> serving on a free loopback port, its console captured.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://localhost:{Port}");

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts the server (or, given <paramref name="assembly"/>, another ASP.NET Core app) in
    /// <paramref name="workingDirectory"/> and waits until it listens.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(string workingDirectory, int port, IReadOnlyDictionary<string, string?> environment, string? assembly = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(assembly ?? Path.Combine(AppContext.BaseDirectory, "jwt-issuer.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://localhost:{port}");
        // StartAsync waits for the "Now listening on:" line, whatever the rest of the logging says.
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (key, value) in environment.Where(setting => !setting.Key.StartsWith("Logging:LogLevel:Microsoft.Hosting", StringComparison.Ordinal)))
        {
            // Configuration keys ("Database:Provider") become environment variables ("Database__Provider").
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var server = new ServerProcess(new Process { StartInfo = start }, port);
        server._process.OutputDataReceived += (_, line) => server.Record(line.Data);
        server._process.ErrorDataReceived += (_, line) => server.Record(line.Data);
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();

        var exited = server._process.WaitForExitAsync();
        var first = await Task.WhenAny(server._listening.Task, exited, Task.Delay(TimeSpan.FromMinutes(1)));
        if (first != server._listening.Task)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException($"the server did not start listening:\n{server.Output}");
        }

        return server;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line.Contains("Now listening on:", StringComparison.Ordinal))
        {
            _listening.TrySetResult();
        }
    }

    private bool _disposed;

    /// <summary>Kills the process (a crash, as far as the proxy can tell). Safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
