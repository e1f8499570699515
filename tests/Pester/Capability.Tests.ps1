BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $Manifest -Force

    # A tmpfs and a bind mount of it: two mounts of the same storage, coherent in every probe.
    $script:Root = Join-Path ([IO.Path]::GetTempPath()) ('mailstorage-capability-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $script:A = Join-Path $Root 'a'
    $script:B = Join-Path $Root 'b'
    New-Item -ItemType Directory -Path $A, $B | Out-Null
    & mount -t tmpfs -o size=32m tmpfs $A
    if ($LASTEXITCODE -ne 0) { throw "mount -t tmpfs $A failed: the capability tests need root" }
    & mount --bind $A $B
    if ($LASTEXITCODE -ne 0) { throw "mount --bind $A $B failed" }

    $script:Output = @(Test-MailStorageCapability -Path $A -PeerPath $B -TimeoutSeconds 2)
    $script:Probes = @($Output | Where-Object { $_ -is [MailStorage.PowerShell.ProbeResult] })
    $script:Summary = @($Output | Where-Object { $_ -is [MailStorage.PowerShell.StorageRecommendation] })
}

AfterAll {
    if ($B) { & umount $B 2>$null }
    if ($A) { & umount $A 2>$null }
    if ($Root -and (Test-Path $Root)) { Remove-Item -Recurse -Force $Root }
}

Describe 'Test-MailStorageCapability on a tmpfs with a bind-mount peer' {
    It 'writes one typed result per probe, every lock probe Supported' {
        $Probes.Count | Should -BeGreaterOrEqual 14
        $locks = @($Probes | Where-Object Setting -eq 'lock_method' | Where-Object Name -ne 'clock skew')
        $locks.Count | Should -Be 6
        foreach ($lock in $locks) {
            $lock.Result | Should -Be ([MailStorage.PowerShell.ProbeOutcome]::Supported) -Because "$($lock.Name): $($lock.Detail)"
        }
        ($Probes | Where-Object Name -eq 'fcntl lock across mounts').Measurements['lock wait after release ms'] | Should -BeLessThan 100
    }

    It 'ends with the recommendation object' {
        $Summary.Count | Should -Be 1
        $Output[-1] | Should -BeOfType ([MailStorage.PowerShell.StorageRecommendation])
        $Summary[0].LockMethod | Should -Be 'fcntl'
        $Summary[0].MmapDisable | Should -Be 'no'
        $Summary[0].TestedAcrossMounts | Should -BeTrue
        $Summary[0].Reasons['lock_method'] | Should -Not -BeNullOrEmpty
    }

    It 'shows the results as a table of Name, Result, Setting and Detail' {
        $text = $Probes | Format-Table | Out-String -Width 250
        $text | Should -Match 'Name\s+Result\s+Setting\s+Detail'
        $text | Should -Match 'fcntl lock across mounts\s+Supported\s+lock_method'
    }

    It 'removes its temporary folder' {
        @(Get-ChildItem -Force $A -Filter '.mailstorage-probe-*').Count | Should -Be 0
        @(Get-ChildItem -Force $A).Count | Should -Be 0
    }
}

Describe 'The measured recommendation checks a configuration' {
    BeforeAll {
        $script:ConfDir = Join-Path $Root 'conf'
        New-Item -ItemType Directory -Path $ConfDir | Out-Null
        # The storage was measured to need mmap_disable = no here (a coherent tmpfs): give it the other value.
        $script:Conf = Join-Path $ConfDir 'dovecot.conf'
        Set-Content -Path $Conf -Value "mail_location = maildir:$A/%n", 'mmap_disable = yes'
    }

    It 'Test-MailStorageConfig -Recommendation reports each setting the configuration gives another value (MSD007)' {
        $found = @(Test-MailStorageConfig -Path $Conf -Recommendation $Summary[0] | Where-Object RuleId -eq 'MSD007')
        $found.Count | Should -BeGreaterOrEqual 1
        $mmap = $found | Where-Object Message -like 'mmap_disable*'
        $mmap.Line | Should -Be 2
        $mmap.File | Should -Be $Conf
    }

    It 'Export-MailStorageProfile -Recommendation writes requires: that the linter holds the configuration to' {
        $profile = Join-Path $ConfDir 'measured.yaml'
        Export-MailStorageProfile -Path $A -Recommendation $Summary[0] -OutFile $profile
        (Get-Content -Raw $profile) | Should -Match 'requires:'
        $found = @(Test-MailStorageConfig -Path $Conf -ProfilePath $profile | Where-Object RuleId -eq 'MSD007')
        ($found | Where-Object Message -like 'mmap_disable*').Line | Should -Be 2
    }
}

Describe 'Test-MailStorageCapability input and -WhatIf' {
    It '-WhatIf creates nothing' {
        $before = @(Get-ChildItem -Force $A | ForEach-Object Name)
        $out = @(Test-MailStorageCapability -Path $A -PeerPath $B -WhatIf)
        $out.Count | Should -Be 0
        @(Get-ChildItem -Force $A | ForEach-Object Name) | Should -Be $before
    }

    It 'a missing path is a terminating error with a stable id naming the path' {
        $missing = Join-Path $Root 'no-such-folder'
        $err = $null
        try { Test-MailStorageCapability -Path $missing -ErrorAction Stop } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'TestMailStorageCapabilityPathNotFound,*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.Exception.Message | Should -BeLike "*$missing*"
        $err.TargetObject | Should -Be $missing
    }

    It 'stopping the pipeline (Ctrl+C) ends the probes and still removes the temporary folder' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$Manifest'; Test-MailStorageCapability -Path '$A' -PeerPath '$B' -TimeoutSeconds 60")
            $handle = $ps.BeginInvoke()
            # Wait until the temporary folder exists, then stop in the middle of the probes.
            $deadline = [DateTime]::UtcNow.AddSeconds(10)
            while (-not (Get-ChildItem -Force $A -Filter '.mailstorage-probe-*') -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            Start-Sleep -Milliseconds 300
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
            $handle.IsCompleted | Should -BeTrue
            @(Get-ChildItem -Force $A -Filter '.mailstorage-probe-*').Count | Should -Be 0
        }
        finally {
            $ps.Dispose()
        }
    }

    It 'a file instead of a folder is TestMailStorageCapabilityPathIsFile' {
        $file = Join-Path $Root 'a-file.txt'
        Set-Content -Path $file -Value 'x'
        { Test-MailStorageCapability -Path $file -ErrorAction Stop } | Should -Throw -ErrorId 'TestMailStorageCapabilityPathIsFile,*'
    }
}
