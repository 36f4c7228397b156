using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Catalog.Service.Tests.Support;

/// <summary>Small helpers to send and read JSON in assertions.</summary>
internal static class Json
{
    public static async Task<JsonNode> ReadAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("The body is JSON null.");

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string url, object body) => client.PostAsJsonAsync(url, body);

    public static Task<HttpResponseMessage> PutAsync(HttpClient client, string url, object body) => client.PutAsJsonAsync(url, body);

    /// <summary>Sends a raw body, e.g. malformed JSON.</summary>
    public static Task<HttpResponseMessage> SendRawAsync(HttpClient client, HttpMethod method, string url, string body) =>
        client.SendAsync(new HttpRequestMessage(method, url) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") });

    /// <summary>Creates an item and returns its JSON.</summary>
    public static async Task<JsonNode> CreateItemAsync(HttpClient client, object body)
    {
        using var response = await PostAsync(client, "/items", body);
        Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return await ReadAsync(response);
    }
}
