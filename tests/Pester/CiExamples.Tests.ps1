# examples/ci-lint's pre-commit check, run as git runs a hook (at the top of the work tree): with the module found by
# name (the packaged layout on PSModulePath), on a copy of the example; it passes as shipped and refuses a configuration made unsafe.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Copy = Join-Path ([System.IO.Path]::GetTempPath()) ("mailstorage-ci-lint-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    Copy-Item -Recurse (Join-Path $RepoRoot 'examples/ci-lint') $Copy
    $script:PwshDll = [System.Reflection.Assembly]::GetEntryAssembly().Location
    $script:Modules = Join-Path $RepoRoot 'artifacts/psmodule'

    function Invoke-Hook {
        $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in @($PwshDll, '-NoProfile', '-NonInteractive', '-File', (Join-Path $Copy 'pre-commit'))) { $info.ArgumentList.Add($a) }
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $info.Environment['PSModulePath'] = $Modules
        $info.WorkingDirectory = $Copy
        $process = [System.Diagnostics.Process]::Start($info)
        $out = $process.StandardOutput.ReadToEndAsync()
        $err = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit(120000)) { $process.Kill($true); throw 'the hook did not finish in 120 s' }
        [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $out.Result + $err.Result }
    }
}

AfterAll {
    Remove-Item -Recurse -Force $Copy -ErrorAction SilentlyContinue
}

Describe 'examples/ci-lint/pre-commit' {
    It 'lets a safe configuration through' {
        $run = Invoke-Hook
        $run.Output | Should -Not -Match 'refused'
        $run.ExitCode | Should -Be 0
    }

    It 'refuses one made unsafe for its NFS storage, naming the rule' {
        $mail = Join-Path $Copy 'conf.d/10-mail.conf'
        (Get-Content -Raw $mail) -replace 'mmap_disable = yes', 'mmap_disable = no' | Set-Content -NoNewline $mail
        $run = Invoke-Hook
        $run.ExitCode | Should -Be 1
        $run.Output | Should -Match 'MSD010'
        $run.Output | Should -Match 'the commit is refused'
    }
}
