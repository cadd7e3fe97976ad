fn main() -> std::process::ExitCode {
    claimls::cli::main()
}
