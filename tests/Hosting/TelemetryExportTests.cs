using System.Collections.Concurrent;
using System.Text;

namespace MonitorGrid.Tests.Hosting;

/// <summary>
/// What operators watch (docs/operations.md): with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, a node sends the grid's
/// metrics to that collector over OTLP. The collector here is a plain HTTP listener that keeps what it is sent.
/// </summary>
public sealed class TelemetryExportTests
{
    [Fact]
    public async Task With_an_OTLP_endpoint_configured_the_grids_metrics_reach_the_collector()
    {
        var port = FreePorts.Next();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var received = new ConcurrentQueue<(string Path, byte[] Body)>();
        var receiving = Task.Run(async () =>
        {
            while (collector.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await collector.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                received.Enqueue((context.Request.Url!.AbsolutePath, body.ToArray()));
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        });

        await using (var web = new GridWebFactory(null, new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["OTEL_SERVICE_NAME"] = "monitorgrid-web",
            ["POD_NAME"] = "monitorgrid-web-7d9f-x2k4q",
            ["POD_NAMESPACE"] = "monitorgrid-dev",
        }))
        {
            await web.InitializeAsync();
            using var admin = await web.ClientForAsync("admin");
            var observed = await admin.PostAsJsonAsync("/api/observations", new { studentId = "S000001", category = "Mood", severity = 1 });
            Assert.Equal(HttpStatusCode.Created, observed.StatusCode);

            bool Sent(string text) =>
                received.Any(r => r.Path == "/v1/metrics" && r.Body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0);
            await Eventually.HoldsAsync(
                () => Sent("monitorgrid.observations.applied") && Sent("monitorgrid-web"),
                "the observation counter exported to the collector", TimeSpan.FromSeconds(30));

            // The pod the figures come from is named the way the Kubernetes conventions name it.
            Assert.True(Sent("k8s.pod.name") && Sent("monitorgrid-web-7d9f-x2k4q"), "the pod's name is not in the export");
            Assert.True(Sent("k8s.namespace.name") && Sent("monitorgrid-dev"), "the pod's namespace is not in the export");
        }

        collector.Stop();
        await receiving;
    }
}
