using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace ScaiVault.Http.Identities;

public static class ScaiKeyWebhookEndpoint
{
    /// <summary>
    /// ScaiKey's identity events. Anonymous at the HTTP level: the HMAC signature over the raw body is
    /// the authentication, checked before the body is even parsed.
    /// </summary>
    [AllowAnonymous]
    [WolverinePost("/v1/identity/webhooks/scaikey")]
    public static Task<IResult> Post(HttpContext context, ScaiKeyWebhookReceiver receiver) => receiver.ReceiveAsync(context);
}
