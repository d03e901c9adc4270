import ArgumentParser

/// Gatehouse's benchmarks; docs/benchmarks.md records their results and the commands.
@main
struct GatehouseBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse-bench", abstract: "Gatehouse benchmarks.",
        subcommands: [ApplyBench.self, StoreBench.self, DecisionBench.self, DrainBench.self, TapBench.self, CardTapBench.self, DecodeBench.self, SoakBench.self], defaultSubcommand: ApplyBench.self)
}
