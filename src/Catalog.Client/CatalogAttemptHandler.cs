namespace Catalog.Client;

/// <summary>
/// One attempt, below the retries and the per-attempt timeout: reads the whole answer before the attempt
/// ends. HttpClient would otherwise read the body after the resilience handler has returned, where no
/// timeout applies, so a server that sent its headers and then stalled would hang the call forever.
/// </summary>
internal sealed class CatalogAttemptHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        try
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}
