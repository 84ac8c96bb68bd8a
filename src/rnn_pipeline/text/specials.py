"""Reserved token ids shared by every vocabulary, model and sampler.

They are written into each saved vocabulary, so inference reads them back instead of
guessing them.
"""

PAD = 0
GO = 1
EOS = 2
UNK = 3

PAD_TOKEN = "<pad>"
GO_TOKEN = "<go>"
EOS_TOKEN = "<eos>"
UNK_TOKEN = "<unk>"

SPECIAL_TOKENS: tuple[str, ...] = (PAD_TOKEN, GO_TOKEN, EOS_TOKEN, UNK_TOKEN)
