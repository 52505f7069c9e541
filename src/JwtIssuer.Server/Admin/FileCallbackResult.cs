using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace JwtIssuer.Server.Admin;

/// <summary>A download written as it is produced (an export of the audit trail), not built in memory first.</summary>
internal sealed class FileCallbackResult(string contentType, string fileName, Func<Stream, Task> write) : IActionResult
{
    public async Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.HttpContext.Response;
        response.ContentType = contentType;
        // What it holds (emails, addresses) is not for any cache.
        response.Headers.CacheControl = "no-store";
        response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = fileName }.ToString();
        await write(response.Body);
    }
}
