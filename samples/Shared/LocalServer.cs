using System;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace MultiAgg.Samples.Shared;

/// <summary>
/// An in-process HTTP/1.1 server on 127.0.0.1 (a free port) for crawl measurements: <c>GET /{n}</c>, n a
/// non-negative integer, answers 200 with a plain-text body of <see cref="PageSize"/>(n) bytes after a random delay
/// uniform in [0, maxDelay]; anything else is a 404. Kestrel alone (an empty builder, no logging, no routing): one
/// terminal request delegate, every body a slice of one shared array.
/// </summary>
public sealed class LocalServer : IAsyncDisposable
{
    /// <summary>The largest <see cref="PageSize"/>.</summary>
    public const int MaxPageSize = 999;

    private static readonly ReadOnlyMemory<byte> Body = Enumerable.Range(0, MaxPageSize)
        .Select(i => i % 64 == 63 ? (byte)'\n' : (byte)('a' + (i % 26)))
        .ToArray();

    private readonly WebApplication _app;

    private LocalServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>The server's root, <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The body length of page <paramref name="n"/>: 100 to 999 bytes.</summary>
    public static int PageSize(long n) => 100 + (int)(n % 900);

    /// <summary>The sum of <see cref="PageSize"/>(n) over n in [0, <paramref name="count"/>).</summary>
    public static long TotalSize(long count)
    {
        var cycles = count / 900;
        var rest = count % 900;
        return (count * 100) + (cycles * (899L * 900 / 2)) + (rest * (rest - 1) / 2);
    }

    /// <summary>The address of page <paramref name="n"/> on this server.</summary>
    public Uri PageUri(long n) => PageUri(BaseAddress, n);

    /// <summary>The address of page <paramref name="n"/> under <paramref name="baseAddress"/> (which ends with a slash).</summary>
    public static Uri PageUri(Uri baseAddress, long n) => new(baseAddress, n.ToString(CultureInfo.InvariantCulture));

    /// <summary>Starts a server whose answers each wait a random time in [0, <paramref name="maxDelay"/>].</summary>
    public static async Task<LocalServer> StartAsync(TimeSpan maxDelay, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, TimeSpan.Zero);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;
            options.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        var maxTicks = maxDelay.Ticks;
        app.Run(context => AnswerAsync(context, maxTicks));
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            return new LocalServer(app, new Uri(address.TrimEnd('/') + "/"));
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);   // the caller gets no server to stop: release what this one holds
            throw;
        }
    }

    private static async Task AnswerAsync(HttpContext context, long maxDelayTicks)
    {
        var request = context.Request;
        var path = request.Path.Value;
        if (!HttpMethods.IsGet(request.Method) || path is not { Length: > 1 }
            || !long.TryParse(path.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (maxDelayTicks > 0)
        {
            var delay = Random.Shared.NextInt64(maxDelayTicks + 1);
            if (delay > 0)
            {
                await Task.Delay(TimeSpan.FromTicks(delay), context.RequestAborted).ConfigureAwait(false);
            }
        }

        var size = PageSize(n);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/plain";
        response.ContentLength = size;
        await response.Body.WriteAsync(Body[..size]).ConfigureAwait(false);
    }

    /// <summary>Stops the server (requests in flight get a moment to finish) and releases its port.</summary>
    public async ValueTask DisposeAsync()
    {
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(grace.Token).ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
