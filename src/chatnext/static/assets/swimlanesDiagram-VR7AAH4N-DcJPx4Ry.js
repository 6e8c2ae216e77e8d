import{c as r,s as e}from"./flowDiagram-HODETNUW-CSZOrvgS.js";import{_ as a}from"./mermaid.core-BmSXjQyt.js";import"./chunk-5VM5RSS4-Cvxn__Px.js";import"./chunk-XXDRQBXY-CiSK_vuE.js";import"./chunk-POPQ4Y6H-BNYKkYNA.js";import"./chunk-F27PBJKO-BxNG7Gkw.js";import"./index-DPs5YaOI.js";import"./channel-spNwOyBt.js";import"./_commonjsHelpers-CqkleIqs.js";var o=a(t=>`${e(t)}
  .swimlane.cluster rect {
    stroke: ${t.clusterBorder} !important;
  }
  [data-look="neo"].cluster rect {
    filter: none;
  }
`,"getStyles"),m=o,y=r({defaultLayout:"swimlane",styles:m});export{y as diagram};
