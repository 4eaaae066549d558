using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Stroma.Data.Audit;

namespace Stroma.Data;

/// <summary>Lets <c>dotnet ef migrations add X --context SqliteStromaDbContext</c> build the SQLite model.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteStromaDbContext>
{
    public SqliteStromaDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteStromaDbContext>().UseSqlite("Data Source=design.db")
            .AddInterceptors(AuditInterceptor.Instance).Options);
}

/// <summary>Lets <c>dotnet ef migrations add X --context PostgresStromaDbContext</c> build the PostgreSQL model.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresStromaDbContext>
{
    public PostgresStromaDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresStromaDbContext>().UseNpgsql("Host=localhost;Database=stroma_design")
            .AddInterceptors(AuditInterceptor.Instance).Options);
}
