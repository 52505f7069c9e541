# JwtIssuer server image. Build from the repository root: docker build -t jwt-issuer .
# (No Docker engine runs in this project's CI, so this file is kept simple and standard and is not built there.)

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files alone, so the package layer is cached across source changes.
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/JwtIssuer/JwtIssuer.csproj src/JwtIssuer/
COPY src/JwtIssuer.Server/JwtIssuer.Server.csproj src/JwtIssuer.Server/
RUN dotnet restore src/JwtIssuer.Server/JwtIssuer.Server.csproj
COPY src/ src/
RUN dotnet publish src/JwtIssuer.Server/JwtIssuer.Server.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# /data keeps the SQLite database, the Data Protection key ring and any key files: mount a volume there.
RUN mkdir -p /data && chown "$APP_UID" /data
VOLUME /data
# Configuration comes from environment variables (JwtIssuer__Issuer=..., see appsettings.example.json).
# Prometheus metrics are on a port of their own, off the public one: publish 9464 only to the scraper.
ENV ASPNETCORE_HTTP_PORTS=8080 \
    Metrics__Port=9464 \
    Database__ConnectionString="Data Source=/data/jwt-issuer.db" \
    DataProtection__KeysPath=/data/keys/dataprotection
EXPOSE 8080 9464
# The image's non-root user.
USER $APP_UID
ENTRYPOINT ["dotnet", "jwt-issuer.dll"]
