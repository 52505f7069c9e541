using System.Diagnostics;
using System.Globalization;

namespace JwtIssuer.Benchmarks.Load;

/// <summary>A process the harness starts, optionally pinned to one core with <c>taskset</c>, and always stops.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;

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

    public static ChildProcess Start(string program, IEnumerable<string> arguments, int? core = null,
        IReadOnlyDictionary<string, string>? environment = null, string? standardInput = null, string? workingDirectory = null)
    {
        // taskset execs the program, so the process id (and /proc/<id>/status) is the program's own.
        var info = new ProcessStartInfo(core is null ? program : "taskset")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        if (core is not null)
        {
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(core.Value.ToString(CultureInfo.InvariantCulture));
            info.ArgumentList.Add(program);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var child = new ChildProcess(Process.Start(info) ?? throw new InvalidOperationException($"Could not start {program}."));
        child._process.OutputDataReceived += (_, line) => child.Append(line.Data);
        child._process.ErrorDataReceived += (_, line) => child.Append(line.Data);
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        if (standardInput is not null)
        {
            child._process.StandardInput.Write(standardInput);
            child._process.StandardInput.Close();
        }

        return child;
    }

    /// <summary>Runs to the end and returns its output; a non-zero exit is an error that shows that output.</summary>
    public static async Task<string> RunAsync(string program, IEnumerable<string> arguments, int? core = null,
        IReadOnlyDictionary<string, string>? environment = null, string? standardInput = null, string? workingDirectory = null)
    {
        using var child = Start(program, arguments, core, environment, standardInput, workingDirectory);
        await child._process.WaitForExitAsync();
        child._process.WaitForExit(); // flushes the asynchronous output readers
        return child._process.ExitCode == 0
            ? child.Output
            : throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {child._process.ExitCode}:\n{child.Output}");
    }

    /// <summary>Peak and current resident set size in MiB, from <c>/proc/&lt;id&gt;/status</c>.</summary>
    public (double Peak, double Current) ResidentMegabytes()
    {
        var status = File.ReadAllLines($"/proc/{_process.Id}/status");
        return (Read("VmHWM:"), Read("VmRSS:"));

        double Read(string field) =>
            long.Parse(status.Single(line => line.StartsWith(field, StringComparison.Ordinal))[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>
    /// CPU time so far (user and system, in seconds) of the whole process and of its threads named
    /// <paramref name="thread"/>, from <c>/proc/&lt;id&gt;/stat</c> and <c>/proc/&lt;id&gt;/task/*/stat</c>.
    /// </summary>
    public (double Process, double Thread) CpuSeconds(string thread)
    {
        var threadTicks = 0L;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{_process.Id}/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') == thread)
                {
                    threadTicks += Ticks(File.ReadAllText(Path.Combine(task, "stat")));
                }
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }

        return (Ticks(File.ReadAllText($"/proc/{_process.Id}/stat")) / TicksPerSecond, threadTicks / TicksPerSecond);

        // Fields after the command (which may hold spaces, inside parentheses): utime and stime are the 12th and 13th.
        static long Ticks(string stat)
        {
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
    }

    // USER_HZ: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK)).
    private const double TicksPerSecond = 100;

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        // Keep the start (where start-up errors are), not a log line per request for minutes.
        if (line is not null && _output.Length < 64 * 1024)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
