#!/usr/bin/env pwsh
# Platform's bootstrap (PowerShell): restore the Cake tool, build src/ in Release, run
# build/build.cake with every argument passed through. The exit code is Cake's.
$ErrorActionPreference = 'Stop'
# Cake's own parser rejects an empty value with a bare "Error": say which and what to do (before any build, as build.sh).
foreach ($arg in $args) {
  if ($arg -match '^--[^=]+=$') { [Console]::Error.WriteLine("Error: $arg has no value: give one (${arg}VALUE) or leave the argument out."); exit 1 }
}
# Cake owns the flag --version (alone, it prints Cake's version), so Platform's --version=X.Y.Z (or --version X.Y.Z)
# travels as --release-version=X.Y.Z. Given with other arguments but no value (`--version $env:VERSION` with VERSION
# unset), it is refused, as by build.sh: Cake would print its version and exit 0 without running the target.
$passed = @()
for ($i = 0; $i -lt $args.Count; $i++) {
  $arg = [string]$args[$i]
  if ($arg -like '--version=*') { $passed += '--release-version=' + $arg.Substring(10) }
  elseif ($arg -eq '--version') {
    $next = if ($i + 1 -lt $args.Count) { [string]$args[$i + 1] } else { '' }
    if ($next -ne '' -and -not $next.StartsWith('-')) { $i++; $passed += '--release-version=' + $next }
    elseif ($args.Count -eq 1) { $passed += $arg }
    else {
      [Console]::Error.WriteLine('Error: --version has no value: give one (--version=X.Y.Z), or leave it out for the version from git. (./build.ps1 --version alone prints Cake''s version.)')
      exit 1
    }
  }
  else { $passed += $arg }
}
# Paths given as arguments (--plan=, --key=, --state-dir= …) are relative to where this was run from.
$env:PLATFORM_CALLER_DIR = (Get-Location).Path
Set-Location $PSScriptRoot
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
# Output to a file or a CI log that is not GitHub's (which shows colours): plain text (Cake honours NO_COLOR).
if ([Console]::IsOutputRedirected -and -not $env:GITHUB_ACTIONS -and -not $env:NO_COLOR) { $env:NO_COLOR = '1' }

# A Ctrl+C stops the script at the next statement, once the command running has ended (Cake finishes its cleanup
# first: the roll put back, the lock released), and runs only `finally`: the exit code is then that command's
# status (or 130), never the 0 of a script that ended early, and the test total's file is removed.
$status = $null
$summary = $null
try {
  # Quiet when it works; when it fails (no network, a broken NuGet feed) its output says why.
  $log = dotnet tool restore 2>&1
  if ($LASTEXITCODE -ne 0) {
    $log | ForEach-Object { [Console]::Error.WriteLine($_) }
    [Console]::Error.WriteLine('Error: dotnet tool restore failed (see above): the Cake tool (.config/dotnet-tools.json) could not be restored.')
    $status = 1
    return
  }

  Write-Host 'Building src/ (Release, ReadyToRun)'
  $log = dotnet publish src/Platform.Targets/Platform.Targets.csproj -c Release --nologo -v q 2>&1
  if ($LASTEXITCODE -ne 0) { $log | ForEach-Object { Write-Host $_ }; $status = 1; return }

  # The Test target's total, written by this run only (a run of another target beside it leaves that one's alone).
  $summary = [System.IO.Path]::GetTempFileName()
  $env:PLATFORM_TEST_SUMMARY = $summary
  dotnet cake build/build.cake @passed
  $status = $LASTEXITCODE
}
finally {
  # The Test target's one-line total, repeated as the very last line (after Cake's own report).
  if ($summary) {
    if ((Get-Item $summary).Length -gt 0) { Get-Content $summary }
    Remove-Item -ErrorAction SilentlyContinue $summary
  }
  if ($null -eq $status) { $status = if ($LASTEXITCODE) { $LASTEXITCODE } else { 130 } }
  exit $status
}
