"""Imported-transcript calls whose customer gives a card, a phone and an e-mail (en/zh/ru), for redaction tests."""

from __future__ import annotations

import json
from pathlib import Path

# (speaker, text); words are timed 0.3 s each (zh: two characters per word), utterances 0.5 s apart
SCRIPTS = {
    "en": [
        ("spk_0", "Thank you for calling Acme, my name is Anna, how can I help you today?"),
        ("spk_1", "Hi, I would like to update the card on my account please, I got a new one last week."),
        ("spk_0", "Of course, I can help with that, could you read me the new card number please?"),
        (
            "spk_1",
            "Sure, it is four five three two, zero one five one, one two eight three, zero three six six.",
        ),
        ("spk_0", "Thank you, and is the best number to reach you still the one we have on file?"),
        ("spk_1", "No, my new cell is 415-555-2671 and my email is john dot smith at gmail dot com."),
        ("spk_0", "Great, everything is updated. Thank you for calling Acme, have a nice day, goodbye."),
    ],
    "zh": [
        ("spk_0", "您好，感谢您的来电，我是安娜，请问有什么可以帮您？"),
        ("spk_1", "你好，我想换一张银行卡，我上周刚办了一张新卡。"),
        ("spk_0", "好的，请您告诉我新的卡号。"),
        ("spk_1", "卡号是六二二二零二一二三四五六七八九四，对。"),
        ("spk_0", "好的，请问您的手机号码是多少？"),
        ("spk_1", "我的手机号是一三八一二三四五六七八，邮箱是zhangwei@qq.com。"),
        ("spk_0", "已经为您更新好了，感谢您的来电，再见。"),
    ],
    "ru": [
        ("spk_0", "Здравствуйте, компания Акме, меня зовут Анна, чем могу помочь?"),
        ("spk_1", "Добрый день, я хочу поменять карту, у меня новая карта."),
        ("spk_0", "Хорошо, продиктуйте, пожалуйста, номер новой карты."),
        ("spk_1", "Номер карты 2200 1542 3411 2349, срок до конца года."),
        ("spk_0", "Спасибо, и ваш телефон для связи?"),
        (
            "spk_1",
            "Телефон плюс семь девятьсот шестнадцать сто двадцать три сорок пять шестьдесят семь, "
            "почта иван точка петров собака яндекс точка ру.",
        ),  # fmt: skip
        ("spk_0", "Всё обновлено, спасибо за звонок, до свидания."),
    ],
}

# what must never be stored: the numbers as written and as spoken, e-mail parts (long enough that a
# timestamp or temporary path cannot hold them by chance)
SECRETS = {
    "en": ["4532 0151", "1283 0366", "four five three two", "zero three six six", "415-555-2671", "john dot smith",
           "gmail dot com"],
    "zh": ["六二二二", "七八九四", "一三八一", "五六七八", "zhangwei", "qq.com"],
    "ru": ["2200 1542", "3411 2349", "девятьсот шестнадцать", "шестьдесят семь", "иван точка", "петров"],
}  # fmt: skip


def words_of(text: str, lang: str, start_s: float) -> list[dict]:
    pieces = [text[i : i + 2] for i in range(0, len(text), 2)] if lang == "zh" else text.split()
    return [{"text": p, "start_s": round(start_s + 0.3 * k, 3), "end_s": round(start_s + 0.3 * k + 0.28, 3)}
            for k, p in enumerate(pieces)]  # fmt: skip


def transcript_doc(lang: str, *, with_words: bool = True) -> dict:
    utterances, t = [], 0.5
    for speaker, text in SCRIPTS[lang]:
        words = words_of(text, lang, t)
        u = {"speaker": speaker, "start_s": t, "end_s": words[-1]["end_s"], "text": text}
        if with_words:
            u["words"] = words
        utterances.append(u)
        t = words[-1]["end_s"] + 0.5
    return {"language": lang, "roles": {"spk_0": "agent", "spk_1": "customer"}, "utterances": utterances}


def write_calls(folder: Path, *, with_words: bool = True) -> Path:
    """Transcripts for en/zh/ru and a manifest naming them; returns the manifest path."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["call_id,transcript_path,language,agent_name,company"]
    for lang in SCRIPTS:
        (folder / f"pii_{lang}.json").write_text(json.dumps(transcript_doc(lang, with_words=with_words),
                                                            ensure_ascii=False), encoding="utf-8")  # fmt: skip
        rows.append(f"pii_{lang},pii_{lang}.json,{lang},Anna,Acme")
    manifest = folder / "manifest.csv"
    manifest.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return manifest
