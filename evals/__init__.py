"""The eval cases and corpora as data: installed as the package `replyguard_eval_data`
so the wheel carries what `replyguard eval` reads (see replyguard.resources)."""
