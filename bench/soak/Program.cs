using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

// Soak driver (issue #21), started by bench/soak/run.sh: USERS signed-in sessions run a mix of the web app's pages against
// 127.0.0.1 for DURATION, every response is checked, the web process's RSS is sampled every 10 s from /proc/PID/status.
// usage: Stroma.Soak BASE PASSWORD PATIENTS_FILE VISITS_FILE WEB_PID [USERS=50] [DURATION_S=600] [WARMUP_S=60]
// PATIENTS_FILE: "id,study_id,site_code" per line; VISITS_FILE: one unsigned visit id per line (each user signs and
// unlocks its own share, so two users never sign the same visit). Exit code 0 when no request failed, 1 otherwise.
if (args.Length < 5)
{
    Console.Error.WriteLine("usage: Stroma.Soak BASE PASSWORD PATIENTS_FILE VISITS_FILE WEB_PID [USERS] [DURATION_S] [WARMUP_S]");
    return 2;
}

var baseUri = new Uri(args[0]);
if (!IPAddress.TryParse(baseUri.Host, out var host) || !IPAddress.IsLoopback(host))
{
    Console.Error.WriteLine("the soak only drives 127.0.0.1");
    return 2;
}

var password = args[1];
var patients = File.ReadAllLines(args[2]).Where(l => l.Length > 0).Select(l => l.Split(',')).ToArray();
var visits = File.ReadAllLines(args[3]).Where(l => l.Length > 0).ToArray();
var webPid = int.Parse(args[4], CultureInfo.InvariantCulture);
var users = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 50;
var duration = TimeSpan.FromSeconds(args.Length > 6 ? double.Parse(args[6], CultureInfo.InvariantCulture) : 600);
var warmup = TimeSpan.FromSeconds(args.Length > 7 ? double.Parse(args[7], CultureInfo.InvariantCulture) : 60);
if (visits.Length < users)
{
    Console.Error.WriteLine($"need at least {users} unsigned visits, got {visits.Length}");
    return 2;
}

var latencies = new ConcurrentDictionary<string, ConcurrentQueue<double>>();
var counts = new ConcurrentDictionary<string, int>();
var errors = new ConcurrentDictionary<string, int>();
var firstErrors = new ConcurrentQueue<string>();
var specimenMinute = 0L;
var clock = Stopwatch.StartNew();
using var stop = new CancellationTokenSource();

// The operations and their weights (out of 100): reads dominate, as at a study site. SOAK_REPORT_WEIGHT (default 2)
// changes the report page's share, the patient list taking the difference (0 isolates the report page's memory).
var reportWeight = int.Parse(Environment.GetEnvironmentVariable("SOAK_REPORT_WEIGHT") ?? "2", CultureInfo.InvariantCulture);
(int Weight, string Name)[] mix =
[
    (32 - reportWeight, "list"), (30, "timeline"), (12, "lab-save"), (8, "adverse-event"), (8, "lab-import"), (10, "signature"), (reportWeight, "report"),
];

var rss = new List<(double Seconds, long KiB)>();
var sampler = Task.Run(async () =>
{
    while (!stop.IsCancellationRequested)
    {
        rss.Add((clock.Elapsed.TotalSeconds, Rss(webPid)));
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(10), stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }
});

var clients = new List<HttpClient>();
for (var u = 0; u < users; u++)
{
    var client = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseProxy = false })
    {
        BaseAddress = baseUri,
        Timeout = TimeSpan.FromMinutes(2),
    };
    var signIn = await client.GetStringAsync(new Uri("/account/sign-in", UriKind.Relative));
    using var form = new FormUrlEncodedContent([new("__RequestVerificationToken", Token(signIn)), new("UserName", "soak"), new("Password", password)]);
    using var signedIn = await client.PostAsync(new Uri("/account/sign-in", UriKind.Relative), form);
    if (signedIn.StatusCode != HttpStatusCode.Redirect)
    {
        Console.Error.WriteLine($"user {u}: sign-in answered {(int)signedIn.StatusCode}");
        return 1;
    }

    clients.Add(client);
}

Console.WriteLine($"{users} sessions signed in; warm-up {warmup.TotalSeconds} s (not in the latency figures), then {duration.TotalSeconds} s measured");
clock.Restart();
var end = warmup + duration;
var workers = Enumerable.Range(0, users).Select(u => Task.Run(() => UserAsync(u))).ToArray();
await Task.WhenAll(workers);
await stop.CancelAsync();
await sampler;

// Summary.
Console.WriteLine();
Console.WriteLine($"measured {duration.TotalSeconds:0} s after {warmup.TotalSeconds:0} s warm-up, {users} users");
Console.WriteLine($"{"page",-34} {"count",8} {"errors",7} {"p50 ms",8} {"p99 ms",8} {"max ms",8}");
foreach (var page in counts.Keys.Order(StringComparer.Ordinal))
{
    var sorted = latencies.TryGetValue(page, out var q) ? q.Order().ToArray() : [];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{page,-34} {counts[page],8} {errors.GetValueOrDefault(page),7} {Percentile(sorted, 0.50),8:0} {Percentile(sorted, 0.99),8:0} {(sorted.Length > 0 ? sorted[^1] : 0),8:0}"));
}

var total = counts.Values.Sum();
var failed = errors.Values.Sum();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"total {total} requests ({total / end.TotalSeconds:0.0}/s over warm-up + run), {failed} errors"));
Console.WriteLine("web process RSS (MiB) every 10 s: " + string.Join(' ', rss.Select(s => (s.KiB / 1024.0).ToString("0", CultureInfo.InvariantCulture))));
var after = rss.Where(s => s.Seconds >= warmup.TotalSeconds).ToList();
if (after.Count > 0)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"RSS after warm-up: first {after[0].KiB / 1024.0:0} MiB, min {after.Min(s => s.KiB) / 1024.0:0}, max {after.Max(s => s.KiB) / 1024.0:0}, last {after[^1].KiB / 1024.0:0} MiB"));
}

foreach (var e in firstErrors)
{
    Console.WriteLine("error: " + e);
}

return failed == 0 ? 0 : 1;

async Task UserAsync(int u)
{
    var client = clients[u];
    var random = new Random(1000 + u);
    var own = visits.Where((_, i) => i % users == u).ToArray();
    var next = 0;
    while (clock.Elapsed < end)
    {
        var pick = random.Next(100);
        var op = mix.First(m => (pick -= m.Weight) < 0).Name;
        var p = patients[random.Next(patients.Length)];
        try
        {
            switch (op)
            {
                case "list":
                    await GetAsync(client, random.Next(10) == 0 ? $"/patients?search={p[1]}" : $"/patients?p={random.Next(1, Math.Max(2, patients.Length / 50))}", "GET /patients");
                    break;
                case "timeline":
                    await GetAsync(client, $"/patients/{p[0]}", "GET /patients/{id}");
                    break;
                case "lab-save":
                    {
                        var path = $"/patients/{p[0]}/labs?Analyte=potassium";
                        var page = await GetAsync(client, path, "GET /patients/{id}/labs");
                        var value = (3.0 + random.Next(30) / 10.0).ToString("0.0", CultureInfo.InvariantCulture);
                        await PostAsync(client, path, "POST /patients/{id}/labs", HttpStatusCode.OK, "id=\"saved-title\"",
                            Form(page, ("SpecimenTime", Specimen().ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture)), ("Offset", "+08:00"),
                                ("v.potassium", value), ("u.potassium", "mmol/L")));
                        break;
                    }

                case "adverse-event":
                    {
                        var path = $"/patients/{p[0]}/adverse-event";
                        var page = await GetAsync(client, path, "GET /patients/{id}/adverse-event");
                        await PostAsync(client, path, "POST /patients/{id}/adverse-event", HttpStatusCode.Redirect, null,
                            Form(page, ("Term", "Headache"), ("Category", "Other"), ("Onset", "2025-03-01"), ("Resolved", "2025-03-02"), ("Grade", "1"),
                                ("Relatedness", "NotRelated"), ("Outcome", "Recovered"), ("LateReason", "soak test: a retrospective entry")));
                        break;
                    }

                case "lab-import":
                    {
                        var page = await GetAsync(client, "/labs/import", "GET /labs/import");
                        var csv = new StringBuilder("site,patient,visit_date,analyte,value,unit,range,lab,specimen_time\n");
                        for (var row = 0; row < 5; row++)
                        {
                            var q = patients[random.Next(patients.Length)];
                            while (q[2] != p[2])
                            {
                                q = patients[random.Next(patients.Length)];
                            }

                            var at = Specimen().ToString("yyyy-MM-dd'T'HH:mm:ss'+08:00'", CultureInfo.InvariantCulture);
                            csv.Append(CultureInfo.InvariantCulture, $"{p[2]},{q[1]},,creatinine,{70 + random.Next(60)},umol/L,,,{at}\n");
                            csv.Append(CultureInfo.InvariantCulture, $"{p[2]},{q[1]},,c3,{(0.5 + random.Next(10) / 10.0).ToString("0.0", CultureInfo.InvariantCulture)},g/L,,,{at}\n");
                        }

                        using var content = new MultipartFormDataContent
                    {
                        { new StringContent(Token(page)), "__RequestVerificationToken" },
                        { new StringContent(p[2]), "Site" },
                        { new ByteArrayContent(Encoding.UTF8.GetBytes(csv.ToString())), "Upload", "soak.csv" },
                    };
                        await SendAsync(client, HttpMethod.Post, "/labs/import", "POST /labs/import", HttpStatusCode.OK, "data-count=\"inserted\">10<", content);
                        break;
                    }

                case "signature":
                    {
                        var visit = own[next++ % own.Length];
                        var path = $"/visits/{visit}/sign";
                        var page = await GetAsync(client, path, "GET /visits/{id}/sign");
                        await PostAsync(client, path, "POST /visits/{id}/sign", HttpStatusCode.Redirect, null,
                            Form(page, ("Meaning", "accurate"), ("Confirm", "true"), ("Password", password)));
                        page = await GetAsync(client, path, "GET /visits/{id}/sign");
                        await PostAsync(client, path + "?handler=Unlock", "POST /visits/{id}/sign?handler=Unlock", HttpStatusCode.Redirect, null,
                            Form(page, ("Reason", "soak test: signature cycle"), ("Password", password)));
                        break;
                    }

                default:
                    await GetAsync(client, "/reports", "GET /reports");
                    break;
            }
        }
        catch (SoakFailure)
        {
            // Counted where it happened; the user goes on with the next operation.
        }
    }
}

DateTime Specimen() => new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Unspecified).AddMinutes(Interlocked.Increment(ref specimenMinute));

async Task<string> GetAsync(HttpClient client, string path, string page) =>
    await SendAsync(client, HttpMethod.Get, path, page, HttpStatusCode.OK, null, null);

async Task<string> PostAsync(HttpClient client, string path, string page, HttpStatusCode expected, string? mustContain, FormUrlEncodedContent content)
{
    using (content)
    {
        return await SendAsync(client, HttpMethod.Post, path, page, expected, mustContain, content);
    }
}

async Task<string> SendAsync(HttpClient client, HttpMethod method, string path, string page, HttpStatusCode expected, string? mustContain, HttpContent? content)
{
    var started = clock.Elapsed;
    string? problem = null;
    var body = "";
    try
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        using var response = await client.SendAsync(request);
        body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
        {
            problem = $"{(int)response.StatusCode} (expected {(int)expected}) {response.Headers.Location}";
        }
        else if (mustContain is not null && !body.Contains(mustContain, StringComparison.Ordinal))
        {
            problem = "response lacks " + mustContain;
        }
    }
    catch (HttpRequestException e)
    {
        problem = e.Message;
    }
    catch (TaskCanceledException e)
    {
        problem = "timeout: " + e.Message;
    }

    var ms = (clock.Elapsed - started).TotalMilliseconds;
    counts.AddOrUpdate(page, 1, (_, n) => n + 1);
    if (started >= warmup)
    {
        latencies.GetOrAdd(page, _ => new ConcurrentQueue<double>()).Enqueue(ms);
    }

    if (problem is null)
    {
        return body;
    }

    errors.AddOrUpdate(page, 1, (_, n) => n + 1);
    if (firstErrors.Count < 20)
    {
        var detail = Regex.Match(body, "<h2>[^<]*</h2>|<li>[^<]*</li>|<span class=\"field-error\"[^>]*>[^<]*<", RegexOptions.None, TimeSpan.FromSeconds(1)).Value;
        firstErrors.Enqueue(string.Create(CultureInfo.InvariantCulture, $"{started.TotalSeconds:0.0} s {method} {path}: {problem} {detail}"));
    }

    throw new SoakFailure();
}

static FormUrlEncodedContent Form(string page, params (string Name, string Value)[] fields) =>
    new([new("__RequestVerificationToken", Token(page)), .. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))]);

static string Token(string page) =>
    Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"", RegexOptions.None, TimeSpan.FromSeconds(1)) is { Success: true } m
        ? m.Groups[1].Value
        : ""; // the post then fails (400) and is counted as an error

static double Percentile(double[] sorted, double p) =>
    sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

static long Rss(int pid)
{
    try
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
    catch (IOException)
    {
        return 0;
    }
}

/// <summary>A request that failed; already counted and logged.</summary>
internal sealed class SoakFailure : Exception
{
    public SoakFailure()
    {
    }

    public SoakFailure(string message)
        : base(message)
    {
    }

    public SoakFailure(string message, Exception inner)
        : base(message, inner)
    {
    }
}
