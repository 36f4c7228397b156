using Platform.Core;

namespace Platform.Deploy;

/// <summary>
/// Whether the service answers through the load balancer at all, asked before the running release's
/// smoke tests prove it works on a new schema: with no node serving (HAProxy's own 503, or every node
/// unready) those tests would fail for another reason, and the deploy would blame the schema.
/// </summary>
public static class ServingCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <exception cref="PlatformException">Nothing answers, or <c>/health/ready</c> answers 503: says so, and what to look at.</exception>
    public static async Task RequireServingAsync(string serviceUrl, CancellationToken cancellation)
    {
        using var http = new HttpClient { Timeout = Timeout };
        var ready = new Uri(new Uri(serviceUrl), "/health/ready");
        string why;
        try
        {
            using var answer = await http.GetAsync(ready, cancellation);
            if ((int)answer.StatusCode != 503)
            {
                return;
            }

            var body = (await answer.Content.ReadAsStringAsync(cancellation)).ReplaceLineEndings(" ").Trim();
            why = $"answers 503{(body.Length == 0 ? string.Empty : $" ({(body.Length > 160 ? body[..160] + "…" : body)})")}";
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellation.IsCancellationRequested))
        {
            why = $"does not answer ({ex.Message})";
        }

        throw new PlatformException(
            $"{ready} {why}: no node serves, so the running release's smoke tests could not prove anything about the new schema. " +
            "Bring the service back first: Verify says what each node lacks; RollNode --version=<the running release> restarts the nodes. No node was touched.");
    }
}
