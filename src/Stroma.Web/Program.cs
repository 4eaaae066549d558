using Stroma.Web.Hosting;

var builder = WebApplication.CreateBuilder(StromaWebHost.NormaliseArgs(args));
builder.AddStromaWeb();

var app = builder.Build();
app.UseStromaWeb();
app.Run();
