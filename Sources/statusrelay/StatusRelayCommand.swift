import ArgumentParser
import StatusRelayCore

/// `statusrelay`: the operator CLI.
@main
struct StatusRelayCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "statusrelay",
            abstract: "StatusRelay operator tools.",
            version: StatusRelayVersion.line(tool: "statusrelay"),
            subcommands: subcommands
        )
    }

    /// Every subcommand; adding one is adding a line here.
    static let subcommands: [any ParsableCommand.Type] = [
        SendCommand.self,
        ReplayCommand.self,
        ReportCommand.self,
        ReportBenchCommand.self,
        ReconcileCommand.self,
        BenchCommand.self,
        VersionCommand.self,
    ]
}
