"""The prompts, templates, cues and scenarios as data: installed as the package
`replyguard_prompts` so the wheel carries them (see replyguard.resources)."""
