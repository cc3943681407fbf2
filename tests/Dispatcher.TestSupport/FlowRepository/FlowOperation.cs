namespace Dispatcher.TestSupport.FlowRepository;

/// <summary>The Flow Repository routes the fake serves, for counting calls and injecting faults.</summary>
public enum FlowOperation
{
    /// <summary><c>POST /flows</c>.</summary>
    Create,

    /// <summary><c>PATCH /flows/{id}</c>.</summary>
    Update,

    /// <summary><c>GET /flows/{id}</c>.</summary>
    Get,

    /// <summary><c>POST /flows/{id}/start</c>.</summary>
    Start,

    /// <summary><c>POST /flows/{id}/stop</c>.</summary>
    Stop,

    /// <summary><c>DELETE /flows/{id}</c>.</summary>
    Delete,

    /// <summary><c>GET /flows?page[size]=…&amp;page[number]=…</c>.</summary>
    List,
}
