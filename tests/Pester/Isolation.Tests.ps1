BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    if (-not $env:NUGET_PACKAGES) {
        $env:NUGET_PACKAGES = ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
    }
    $script:OldYaml = Join-Path $env:NUGET_PACKAGES 'yamldotnet/11.2.1/lib/netstandard2.1/YamlDotNet.dll'
}

Describe 'MailStorage loads its dependencies in its own AssemblyLoadContext' {
    It 'works in a session that already loaded YamlDotNet 11.2.1' {
        Test-Path $OldYaml | Should -BeTrue -Because 'build.sh restores YamlDotNet 11.2.1 through tools/restore-tools'
        $script = Join-Path ([System.IO.Path]::GetTempPath()) "mailstorage-alc-$PID.ps1"
        Set-Content -Path $script -Value @'
param($OldYaml, $Manifest, $Example)
$ErrorActionPreference = 'Stop'
Add-Type -Path $OldYaml
# Use the old YamlDotNet first, so the session really depends on it.
$null = [YamlDotNet.Serialization.DeserializerBuilder]::new().Build().Deserialize[object]('a: 1')
Import-Module $Manifest
$settings = @(Get-MailStorageConfig -Path $Example -NonDefault)
$text = $settings | ConvertTo-DovecotConfig
$yaml = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'YamlDotNet' } | ForEach-Object {
    [pscustomobject]@{ Version = $_.GetName().Version.ToString(); Context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name }
}
$analyzer = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'MailStorage.ConfigAnalyzer' }
[pscustomobject]@{
    Count = $settings.Count
    HasMmap = $text -match 'mmap_disable = yes'
    Yaml = @($yaml)
    AnalyzerContext = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($analyzer).Name
    SessionYaml = [YamlDotNet.Serialization.DeserializerBuilder].Assembly.GetName().Version.ToString()
} | ConvertTo-Json -Depth 4
'@
        try {
            Push-Location $RepoRoot
            $json = & dotnet tool run pwsh -NoProfile -NonInteractive -File $script -OldYaml $OldYaml -Manifest $Manifest -Example $Example
            $LASTEXITCODE | Should -Be 0 -Because ($json -join "`n")
        } finally {
            Pop-Location
            Remove-Item $script -ErrorAction SilentlyContinue
        }
        $result = ($json -join "`n") | ConvertFrom-Json
        $result.Count | Should -BeGreaterThan 40
        $result.HasMmap | Should -BeTrue
        $result.SessionYaml | Should -BeLike '11.*'
        $result.AnalyzerContext | Should -Be 'MailStorage'
        $session = @($result.Yaml | Where-Object Context -eq 'Default')
        $ours = @($result.Yaml | Where-Object Context -eq 'MailStorage')
        $session.Count | Should -Be 1
        $session[0].Version | Should -BeLike '11.*'
        $ours.Count | Should -Be 1
        $ours[0].Version | Should -BeLike '16.*'
    }
}
