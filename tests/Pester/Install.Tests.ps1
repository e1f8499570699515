# The module as an operator installs it: from the package build.sh packs (artifacts/packages/MailStorage.<version>.nupkg)
# with PSResourceGet, into a fresh HOME, then used by name in new sessions; and its about_ topics found by Get-Help.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Version = (Import-PowerShellDataFile $Manifest).ModuleVersion
    $script:Package = Join-Path $RepoRoot "artifacts/packages/MailStorage.$Version.nupkg"
    # pwsh itself (the dotnet tool): new sessions start from its dll, with the HOME the test gives them.
    $script:PwshDll = [System.Reflection.Assembly]::GetEntryAssembly().Location
    $script:FreshHome = Join-Path ([System.IO.Path]::GetTempPath()) ("mailstorage-install-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory $FreshHome | Out-Null

    # Runs a script in a new pwsh whose HOME is the fresh one (no XDG overrides, no inherited module path), and
    # returns its output lines; a failure is the script's error text.
    function Invoke-FreshSession([string] $Script) {
        $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in @($PwshDll, '-NoProfile', '-NonInteractive', '-Command', $Script)) { $info.ArgumentList.Add($a) }
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $info.WorkingDirectory = $FreshHome
        $info.Environment['HOME'] = $FreshHome
        foreach ($name in 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'PSModulePath') { [void] $info.Environment.Remove($name) }
        $process = [System.Diagnostics.Process]::Start($info)
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit(120000)) { $process.Kill($true); throw "a new session did not finish in 120 s: $Script" }
        if ($process.ExitCode -ne 0) { throw "a new session failed ($($process.ExitCode)): $($stderr.Result)$($stdout.Result)" }
        return @($stdout.Result -split "`n" | ForEach-Object { $_.TrimEnd("`r") } | Where-Object { $_ })
    }
}

AfterAll {
    Remove-Item -Recurse -Force $FreshHome -ErrorAction SilentlyContinue
}

Describe 'Install-PSResource MailStorage' {
    It 'build.sh packed the module as a PSResourceGet package' {
        $Package | Should -Exist
    }

    It 'installs from a local repository into a fresh HOME' {
        $folder = Split-Path -Parent $Package
        $out = Invoke-FreshSession @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name Local -Uri '$folder' -Trusted
Install-PSResource -Name MailStorage -Repository Local -Scope CurrentUser -Quiet
"installed " + (Get-InstalledPSResource -Name MailStorage).Version
"@
        $out | Should -Contain "installed $Version"
        Join-Path $FreshHome ".local/share/powershell/Modules/MailStorage/$Version/MailStorage.psd1" | Should -Exist
    }

    It 'imports by name in a new session, with every cmdlet, its help and a working read' {
        $out = Invoke-FreshSession @"
`$ErrorActionPreference = 'Stop'
Import-Module MailStorage
(Get-Module MailStorage).ModuleBase
(Get-Command -Module MailStorage).Count
(Get-Help Get-MailStorageConfig).Synopsis.Length -gt 0
@(Get-MailStorageConfig -Path '$Example' -NonDefault).Count -gt 0
"@
        $out[0] | Should -BeLike (Join-Path $FreshHome '*')
        [int] $out[1] | Should -Be (Import-PowerShellDataFile $Manifest).CmdletsToExport.Count
        $out[2] | Should -Be 'True'
        $out[3] | Should -Be 'True'
    }

    It 'finds <Topic> with Get-Help after the install' -ForEach @(
        @{ Topic = 'about_MailStorage' }, @{ Topic = 'about_MailStorageProfile' }, @{ Topic = 'about_MailStorageRules' }
    ) {
        $out = Invoke-FreshSession "Get-Help $Topic | Out-String -Width 200"
        ($out -join "`n") | Should -Match ('TOPIC\s+' + $Topic)
    }
}

Describe 'The manifest' {
    It 'says what the module is, where it lives and under which license' {
        $data = Import-PowerShellDataFile $Manifest
        $data.Description | Should -Not -BeNullOrEmpty
        $data.CompatiblePSEditions | Should -Be @('Core')
        $data.PowerShellVersion | Should -Not -BeNullOrEmpty
        $data.PrivateData.PSData.ProjectUri | Should -Match '^https://'
        $data.PrivateData.PSData.LicenseUri | Should -Match '^https://'
        $data.PrivateData.PSData.ReleaseNotes | Should -Not -BeNullOrEmpty
        $data.PrivateData.PSData.Tags | Should -Contain 'Dovecot'
        Join-Path $RepoRoot 'LICENSE' | Should -Exist
        $data.FunctionsToExport.Count + $data.AliasesToExport.Count + $data.VariablesToExport.Count | Should -Be 0
        $data.CmdletsToExport | Should -Not -Contain '*'
    }
}
