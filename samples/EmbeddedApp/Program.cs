namespace EmbeddedApp;

// A class of its own rather than top-level statements: those make a public global Program, which would clash
// with the server's in a test project that references both.
internal static class Program
{
    private static Task Main(string[] args) => SampleApp.Build(args).RunAsync();
}
