using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;

/// <summary>
/// Custom code of the {{title}} connector. The platform runs ExecuteAsync for every operation listed in
/// scriptOperations (apiProperties.json); everything else goes to the API without passing through here.
/// Only the namespaces above (and the other ones Microsoft supports) may be used, and a call must finish
/// within 5 seconds.
/// </summary>
public class Script : ScriptBase
{
    public override async Task<HttpResponseMessage> ExecuteAsync()
    {
        if (Context.OperationId == "{{scriptOperation}}")
        {
            return await AddRetrievedAtAsync().ConfigureAwait(false);
        }

        // An operation listed in scriptOperations but not handled above: forward it unchanged.
        return await Context.SendAsync(Context.Request, CancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Forwards the request and stamps the JSON object it returns with the time it was retrieved, so that
    /// flows can tell fresh data from cached data.
    /// </summary>
    private async Task<HttpResponseMessage> AddRetrievedAtAsync()
    {
        Context.Request.Headers.TryAddWithoutValidation("x-correlation-id", Context.CorrelationId);
        var response = await Context.SendAsync(Context.Request, CancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode || response.Content == null)
        {
            return response;
        }

        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        JToken body;
        try
        {
            body = JToken.Parse(text);
        }
        catch (Newtonsoft.Json.JsonReaderException)
        {
            Context.Logger.LogWarning("{{scriptOperation}} returned a body that is not JSON; passing it on unchanged.");
            return response;
        }

        if (body is JObject item)
        {
            item["retrievedAt"] = DateTime.UtcNow.ToString("o");
            response.Content = CreateJsonContent(item.ToString());
        }

        return response;
    }
}
