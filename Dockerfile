# syntax=docker/dockerfile:1
# The dispatcher service: build with the .NET SDK, run on the ASP.NET Core runtime as a non-root user.
#   docker build -t dispatcher-service .
#   docker run -p 3013:3013 dispatcher-service          (embedded mode: SQLite in /data, in-memory bus)
# Production settings come from the environment; see docs/configuration.md and docs/operations.md.

ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
WORKDIR /source
# Restore first, from the project files only, so the package layer is cached until a project file changes.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Dispatcher.Domain/Dispatcher.Domain.csproj src/Dispatcher.Domain/
COPY src/Dispatcher.Contracts/Dispatcher.Contracts.csproj src/Dispatcher.Contracts/
COPY src/Dispatcher.Application/Dispatcher.Application.csproj src/Dispatcher.Application/
COPY src/Dispatcher.Infrastructure/Dispatcher.Infrastructure.csproj src/Dispatcher.Infrastructure/
COPY src/Dispatcher.Api/Dispatcher.Api.csproj src/Dispatcher.Api/
RUN dotnet restore src/Dispatcher.Api/Dispatcher.Api.csproj
COPY src/ src/
RUN dotnet publish src/Dispatcher.Api/Dispatcher.Api.csproj --configuration Release --no-restore \
        --output /app /p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS runtime
# The image's unprivileged user ("app", uid 1654) owns the data folder: the embedded SQLite store and the standalone
# flow registry live there when no MongoDB / Flow Repository is configured.
RUN mkdir -p /data && chown "$APP_UID" /data
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_HTTP_PORTS=3013 \
    Storage__Sqlite__Path=/data/dispatcher.db \
    FlowRegistry__Standalone__Path=/data/dispatcher.db
USER $APP_UID
VOLUME ["/data"]
EXPOSE 3013
# The runtime image has no curl: the service probes itself (GET /health/live on its own port, exit 0 or 1).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["dotnet", "/app/Dispatcher.Api.dll", "--probe", "/health/live"]
ENTRYPOINT ["dotnet", "/app/Dispatcher.Api.dll"]
